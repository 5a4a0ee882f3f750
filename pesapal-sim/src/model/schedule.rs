//! A subscription's schedule (`subscription_details`): when its charges fall due.

use chrono::{DateTime, Duration, Months, NaiveDate, Utc};
use pesapal_gen::types;
use serde::{Deserialize, Serialize};

/// How often a subscription is charged (`subscription_details.frequency`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum ChargeFrequency {
    /// Every day.
    Daily,
    /// Every seven days.
    Weekly,
    /// Every calendar month (clamped to the month's last day).
    Monthly,
    /// Every twelve months.
    Yearly,
}

impl From<types::SubmitOrderRequestBodySubscriptionDetailsFrequency> for ChargeFrequency {
    fn from(frequency: types::SubmitOrderRequestBodySubscriptionDetailsFrequency) -> Self {
        use types::SubmitOrderRequestBodySubscriptionDetailsFrequency as Wire;
        match frequency {
            Wire::Daily => ChargeFrequency::Daily,
            Wire::Weekly => ChargeFrequency::Weekly,
            Wire::Monthly => ChargeFrequency::Monthly,
            Wire::Yearly => ChargeFrequency::Yearly,
        }
    }
}

/// A subscription's schedule: charges at `start + k·frequency` (k ≥ 1) up to `end`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Schedule {
    /// First day of the subscription (its first period is the payment on the hosted page).
    pub start: NaiveDate,
    /// Last day a charge may fall on.
    pub end: NaiveDate,
    /// How often it charges.
    pub frequency: ChargeFrequency,
    /// Charges made so far (k of the next charge is `charges + 1`).
    pub charges: u32,
}

impl Schedule {
    /// When charge `k` falls due (midnight UTC), or `None` past the end.
    pub fn due(&self, k: u32) -> Option<DateTime<Utc>> {
        let day = match self.frequency {
            ChargeFrequency::Daily => self.start.checked_add_signed(Duration::days(i64::from(k))),
            ChargeFrequency::Weekly => self.start.checked_add_signed(Duration::weeks(i64::from(k))),
            ChargeFrequency::Monthly => self.start.checked_add_months(Months::new(k)),
            ChargeFrequency::Yearly => self.start.checked_add_months(Months::new(k.saturating_mul(12))),
        }?;
        (day <= self.end).then(|| day.and_hms_opt(0, 0, 0).map(|t| t.and_utc())).flatten()
    }

    /// Skips the periods that fell due by `now` without a charge (before the first payment).
    pub(crate) fn skip_past(&mut self, now: DateTime<Utc>) {
        while self.due(self.charges + 1).is_some_and(|due| due <= now) {
            self.charges += 1;
        }
    }

    /// Counts the charges due by `now` as made, and returns when each fell due.
    pub(crate) fn take_due(&mut self, now: DateTime<Utc>) -> Vec<DateTime<Utc>> {
        let mut dues = Vec::new();
        while let Some(due) = self.due(self.charges + 1).filter(|due| *due <= now) {
            self.charges += 1;
            dues.push(due);
        }
        dues
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schedule(frequency: ChargeFrequency) -> Schedule {
        Schedule {
            start: NaiveDate::from_ymd_opt(2025, 1, 31).unwrap(),
            end: NaiveDate::from_ymd_opt(2025, 12, 31).unwrap(),
            frequency,
            charges: 0,
        }
    }

    #[test]
    fn charges_fall_due_by_frequency_until_the_end() {
        assert_eq!(
            schedule(ChargeFrequency::Daily).due(1).unwrap().date_naive(),
            NaiveDate::from_ymd_opt(2025, 2, 1).unwrap()
        );
        assert_eq!(
            schedule(ChargeFrequency::Weekly).due(1).unwrap().date_naive(),
            NaiveDate::from_ymd_opt(2025, 2, 7).unwrap()
        );
        assert_eq!(
            schedule(ChargeFrequency::Monthly).due(1).unwrap().date_naive(),
            NaiveDate::from_ymd_opt(2025, 2, 28).unwrap()
        );
        assert!(schedule(ChargeFrequency::Monthly).due(11).is_some());
        assert_eq!(schedule(ChargeFrequency::Monthly).due(12), None);
        assert_eq!(schedule(ChargeFrequency::Yearly).due(1), None);
    }
}
