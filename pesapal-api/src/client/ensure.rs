//! [`Pesapal::ensure_ipn`]: an IPN registration reused rather than piled up.

use super::pesapal::Pesapal;
use crate::error::Result;
use crate::responses::{IpnMethod, IpnRegistration};

impl Pesapal {
    /// The active registration of `url` called with `method`, from GetIpnList; registers it
    /// (RegisterIPN) only when there is none.
    ///
    /// Pesapal makes a new `ipn_id` on every RegisterIPN call, even for a URL already
    /// registered, and the list only grows: a service that registers its URL at every start
    /// piles up registrations. Call this at start-up instead. The URL is compared as a URL
    /// (`HTTPS://Shop.example.com/ipn` is `https://shop.example.com/ipn`); among several
    /// matches, the most recently created is taken. A registration Pesapal reports inactive, or
    /// whose id is not a GUID (it could not be an order's `notification_id`), is not reused.
    ///
    /// ```no_run
    /// # async fn run(pesapal: pesapal_api::Pesapal) -> pesapal_api::Result<()> {
    /// use pesapal_api::IpnMethod;
    /// let ipn = pesapal.ensure_ipn("https://shop.example.com/pesapal/ipn", IpnMethod::Get).await?;
    /// println!("orders use notification_id {}", ipn.ipn_id);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn ensure_ipn(&self, url: &str, method: IpnMethod) -> Result<IpnRegistration> {
        let wanted = url::Url::parse(url).ok();
        let same_url = |registered: &str| match (&wanted, url::Url::parse(registered)) {
            (Some(wanted), Ok(registered)) => *wanted == registered,
            _ => registered == url,
        };
        let reusable = self
            .list_ipns()
            .await?
            .into_iter()
            .filter(|ipn| {
                same_url(&ipn.url)
                    && ipn.method == Some(method)
                    && ipn.active != Some(false)
                    && ipn.notification_id().is_some()
            })
            .max_by_key(IpnRegistration::created_at);
        match reusable {
            Some(registration) => {
                tracing::debug!(ipn_id = %registration.ipn_id, "IPN URL already registered; reused");
                Ok(registration)
            }
            None => self.register_ipn(url, method).await,
        }
    }
}
