//! Property tests of the notification parser: no input makes it panic, and every well-formed
//! notification, in any key case and any encoding, reads back as sent.

use pesapal_api::{Notification, NotificationType};
use proptest::prelude::*;

fn key_case(key: &'static str) -> impl Strategy<Value = String> {
    proptest::collection::vec(any::<bool>(), key.len()).prop_map(move |upper| {
        key.chars().zip(upper).map(|(c, u)| if u { c.to_ascii_uppercase() } else { c.to_ascii_lowercase() }).collect()
    })
}

proptest! {
    #[test]
    fn arbitrary_queries_never_panic(query in ".*") {
        let _ = Notification::from_query(&query);
    }

    #[test]
    fn arbitrary_bodies_never_panic(body in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = Notification::from_body(&body);
    }

    #[test]
    fn json_looking_bodies_never_panic(body in r#"\{.*"#) {
        let _ = Notification::from_body(body.as_bytes());
    }

    #[test]
    fn well_formed_notifications_round_trip(
        id in any::<u128>(),
        reference in "[A-Za-z0-9 _&=%+-]{1,50}",
        kind in prop_oneof![Just("IPNCHANGE"), Just("CALLBACKURL"), Just("RECURRING"), Just("ipnchange")],
        tracking_key in key_case("OrderTrackingId"),
        reference_key in key_case("OrderMerchantReference"),
        kind_key in key_case("OrderNotificationType"),
        as_json in any::<bool>(),
    ) {
        prop_assume!(!reference.trim().is_empty());
        let id = uuid::Uuid::from_u128(id);
        let notification = if as_json {
            let body = serde_json::json!({tracking_key: id.to_string(), reference_key: reference, kind_key: kind});
            Notification::from_body(body.to_string().as_bytes())
        } else {
            let query: String = url::form_urlencoded::Serializer::new(String::new())
                .append_pair(&tracking_key, &id.to_string())
                .append_pair(&reference_key, &reference)
                .append_pair(&kind_key, kind)
                .finish();
            Notification::from_query(&query)
        }
        .unwrap();
        prop_assert_eq!(notification.order_tracking_id, id);
        prop_assert_eq!(notification.merchant_reference, reference.trim());
        prop_assert!(!matches!(notification.notification_type, NotificationType::Unknown(_)));
    }
}
