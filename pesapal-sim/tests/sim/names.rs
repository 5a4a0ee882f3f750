//! pesapal-api and pesapal-sim glob-imported side by side: `use pesapal_api::*; use
//! pesapal_sim::*;` then every public name of pesapal-sim's root, and the names the two crates
//! would naturally share (`Environment`, `Frequency`, `IpnMethod`, `NotificationType`), each
//! means one thing. A name both crates export would make its use here ambiguous: this module
//! would not compile (the compiler reports such a name as a future-incompatibility warning:
//! denied here).
#![deny(ambiguous_glob_imports)]

use pesapal_api::*;
use pesapal_sim::*;

#[test]
fn both_crates_glob_import_without_an_ambiguous_name() {
    // pesapal-api's names, as a client uses them.
    let _: Environment = Environment::Sandbox;
    let _: Frequency = Frequency::Monthly;
    let _: IpnMethod = IpnMethod::Get;
    let _: NotificationType = NotificationType::IpnChange;
    // pesapal-sim's, named for what the simulator means by them.
    let _: SimEnvironment = SimEnvironment::Live;
    let _: ChargeFrequency = ChargeFrequency::Monthly;
    let _: IpnHttpMethod = IpnHttpMethod::Post;
    let _: ipn::NotificationType = ipn::NotificationType::Ipnchange;
    let _: Option<recorder::Recorder> = None;
    // Every other name at pesapal-sim's root.
    fn named<T>() {}
    named::<(AnswerObserver, ObservedAnswer, SimConfig, SimError, StartError, TokenRefusal)>();
    named::<(FaultStats, Faults, Attempt, Delivery, IpnControls, Instrument, PaymentMethod, Ipn)>();
    named::<(OrderStatus, Transition, Order, OrderKind, Payment, Refund, Schedule, Simulator, WaitTimeout)>();
    let _: &str = DEFAULT_CARD;
    let _ = test_values::PAID;
}
