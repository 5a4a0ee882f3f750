//! The orders `pesapal reconcile --from FILE` reads, one row at a time: one tracking id per
//! line, or a CSV whose first line names an `order_tracking_id` column, optionally with the
//! expected order's `merchant_reference`, `amount` and `currency` columns.

use crate::error::CliError;
use pesapal_api::{Expectation, ValidationErrors};
use rust_decimal::Decimal;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use uuid::Uuid;

/// The column of tracking ids: its name in the first line makes the input a CSV.
const ID_COLUMN: &str = "order_tracking_id";
/// The columns of the expected order, all three or none.
const EXPECTATION_COLUMNS: [&str; 3] = ["merchant_reference", "amount", "currency"];

/// One row of the input.
#[derive(Debug)]
pub enum Row {
    /// An order to look up, with the merchant's order to judge it against when the CSV has one.
    Order {
        /// The line it is on (the first line is 1).
        line: u64,
        /// The order.
        order_tracking_id: Uuid,
        /// The expected order (the CSV's `merchant_reference`, `amount` and `currency`).
        expectation: Option<Expectation>,
    },
    /// A row that names no order to look up.
    Invalid {
        /// The line it is on.
        line: u64,
        /// The tracking id as written.
        order_tracking_id: String,
        /// What is wrong with the row.
        errors: ValidationErrors,
    },
}

/// Where a row's values are.
#[derive(Debug)]
enum Layout {
    /// The whole line is the tracking id.
    Ids,
    /// A CSV: the column of the tracking id, and those of the expected order.
    Csv { id: usize, expectation: Option<[usize; 3]> },
}

/// The rows of an input, read as they are asked for: memory does not grow with the input.
pub struct Orders {
    source: Box<dyn BufRead + Send>,
    layout: Layout,
    /// Lines read so far.
    lines: u64,
    /// The first row of a file of ids, read to tell it from a CSV: its line and text.
    first: Option<(u64, Vec<u8>)>,
    /// The input failed (an I/O error): nothing more is read.
    broken: bool,
}

impl Orders {
    /// Opens `from` (`-`: standard input) and reads its first line with content, which says
    /// whether it is a CSV.
    pub fn open(from: &Path) -> Result<Orders, CliError> {
        let source: Box<dyn Read + Send> = if from == Path::new("-") {
            Box::new(std::io::stdin())
        } else {
            let file = File::open(from).map_err(|e| CliError::Input(format!("cannot read {}: {e}", from.display())))?;
            Box::new(file)
        };
        Orders::read(source).map_err(|message| CliError::Input(format!("{}: {message}", from.display())))
    }

    /// The rows of `source`, after its first line with content.
    fn read(source: Box<dyn Read + Send>) -> Result<Orders, String> {
        let mut orders = Orders {
            source: Box::new(BufReader::new(source)),
            layout: Layout::Ids,
            lines: 0,
            first: None,
            broken: false,
        };
        let Some((line, mut text)) = orders.next_line().map_err(|e| format!("cannot read it: {e}"))? else {
            return Ok(orders);
        };
        // A byte order mark (the CSV reader skips one too, but a line of ids is not read by it).
        if text.starts_with("\u{feff}".as_bytes()) {
            text.drain(..3);
        }
        let header = match parse_csv(&text) {
            Ok(header) if header.iter().any(|name| name.eq_ignore_ascii_case(ID_COLUMN)) => header,
            _ => {
                orders.first = Some((line, text));
                return Ok(orders);
            }
        };
        orders.layout = Layout::of(&header)?;
        Ok(orders)
    }

    /// The next line with content (not blank, not a `#` comment): its number and its bytes. In
    /// a CSV, the lines of a quoted value that spans lines come with it.
    fn next_line(&mut self) -> std::io::Result<Option<(u64, Vec<u8>)>> {
        let mut text = Vec::new();
        loop {
            text.clear();
            if self.source.read_until(b'\n', &mut text)? == 0 {
                return Ok(None);
            }
            self.lines += 1;
            let content = text.trim_ascii();
            if !content.is_empty() && !content.starts_with(b"#") {
                break;
            }
        }
        let line = self.lines;
        // An odd number of quotes: a quoted value goes on on the next line (quotes inside a
        // quoted value are doubled, so the count stays even for a whole record).
        while matches!(self.layout, Layout::Csv { .. }) && text.iter().filter(|&&b| b == b'"').count() % 2 == 1 {
            if self.source.read_until(b'\n', &mut text)? == 0 {
                break;
            }
            self.lines += 1;
        }
        Ok(Some((line, text)))
    }
}

/// The values of one CSV record, trimmed.
fn parse_csv(text: &[u8]) -> Result<csv::StringRecord, csv::Error> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .buffer_capacity(text.len().max(64))
        .from_reader(text);
    let mut record = csv::StringRecord::new();
    reader.read_record(&mut record)?;
    Ok(record)
}

impl Layout {
    /// The columns a CSV header names (in any letter case); the expected order's three go
    /// together.
    fn of(headers: &csv::StringRecord) -> Result<Layout, String> {
        let column = |name: &str| headers.iter().position(|header| header.eq_ignore_ascii_case(name));
        let id = column(ID_COLUMN).ok_or_else(|| format!("no {ID_COLUMN} column"))?;
        let [reference, amount, currency] = EXPECTATION_COLUMNS.map(column);
        let expectation = match (reference, amount, currency) {
            (Some(reference), Some(amount), Some(currency)) => Some([reference, amount, currency]),
            (None, None, None) => None,
            found => {
                let missing: Vec<&str> = EXPECTATION_COLUMNS
                    .iter()
                    .zip([found.0, found.1, found.2])
                    .filter_map(|(name, index)| index.is_none().then_some(*name))
                    .collect();
                return Err(format!(
                    "the expected order's columns go together ({}); missing: {}",
                    EXPECTATION_COLUMNS.join(", "),
                    missing.join(", ")
                ));
            }
        };
        Ok(Layout::Csv { id, expectation })
    }

    /// The row on `line`, whose text is `text`.
    fn row(&self, line: u64, text: &[u8]) -> Row {
        let mut errors = ValidationErrors::default();
        let (id, expectation) = match self {
            Layout::Ids => match std::str::from_utf8(text) {
                Ok(text) => (text.trim().to_owned(), None),
                Err(_) => (String::new(), None),
            },
            Layout::Csv { id, expectation } => match parse_csv(text) {
                Ok(record) => {
                    let value = |index: usize| record.get(index).unwrap_or_default();
                    let expected = expectation.map(|[reference, amount, currency]| {
                        expected_order(&mut errors, value(reference), value(amount), value(currency))
                    });
                    (value(*id).to_owned(), expected.flatten())
                }
                Err(_) => (String::new(), None),
            },
        };
        let order_tracking_id = match id.parse::<Uuid>() {
            Ok(id) => Some(id),
            Err(_) if std::str::from_utf8(text).is_err() => {
                errors.push(ID_COLUMN, "the line is not UTF-8 text");
                None
            }
            Err(_) if id.is_empty() => {
                errors.push(ID_COLUMN, "missing");
                None
            }
            Err(_) => {
                errors.push(ID_COLUMN, "not a tracking id (a GUID such as 5b1c4a3e-2f6d-4e8a-9c7b-1a2b3c4d5e6f)");
                None
            }
        };
        match order_tracking_id {
            Some(order_tracking_id) if errors.is_empty() => Row::Order { line, order_tracking_id, expectation },
            _ => Row::Invalid { line, order_tracking_id: id, errors },
        }
    }
}

/// The expected order from a CSV row's values, or the violations.
fn expected_order(errors: &mut ValidationErrors, reference: &str, amount: &str, currency: &str) -> Option<Expectation> {
    if reference.is_empty() {
        errors.push("merchant_reference", "missing");
    }
    let amount = match amount.parse::<Decimal>() {
        Ok(amount) if amount > Decimal::ZERO => Some(amount),
        Ok(_) => {
            errors.push("amount", "must be more than 0");
            None
        }
        Err(_) => {
            errors.push("amount", format!("not an amount: {amount:?}"));
            None
        }
    };
    if currency.is_empty() {
        errors.push("currency", "missing");
    }
    let amount = amount.filter(|_| errors.is_empty())?;
    Some(Expectation::new(reference, amount, currency))
}

impl Iterator for Orders {
    /// A row, or the error that stopped the reading.
    type Item = Result<Row, CliError>;

    fn next(&mut self) -> Option<Self::Item> {
        if let Some((line, text)) = self.first.take() {
            return Some(Ok(self.layout.row(line, &text)));
        }
        if self.broken {
            return None;
        }
        match self.next_line() {
            Ok(Some((line, text))) => Some(Ok(self.layout.row(line, &text))),
            Ok(None) => None,
            Err(error) => {
                self.broken = true;
                Some(Err(CliError::Input(format!("cannot read the input after line {}: {error}", self.lines))))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Orders, Row};
    use std::io::Cursor;

    fn orders(text: &str) -> Result<Orders, String> {
        Orders::read(Box::new(Cursor::new(text.as_bytes().to_vec())))
    }

    /// Each row as `line id` or `line !id: field: problem; …`, with the expectation when known.
    fn rows(text: &str) -> Vec<String> {
        orders(text)
            .unwrap()
            .map(|row| match row.unwrap() {
                Row::Order { line, order_tracking_id, expectation: None } => format!("{line} {order_tracking_id}"),
                Row::Order { line, order_tracking_id, expectation: Some(e) } => {
                    format!("{line} {order_tracking_id} {} {}", e.merchant_reference(), e.charge())
                }
                Row::Invalid { line, order_tracking_id, errors } => {
                    let problems: Vec<String> =
                        errors.violations().iter().map(|v| format!("{}: {}", v.field(), v.problem())).collect();
                    format!("{line} !{order_tracking_id}: {}", problems.join("; "))
                }
            })
            .collect()
    }

    const A: &str = "5b1c4a3e-2f6d-4e8a-9c7b-1a2b3c4d5e6f";
    const B: &str = "b945e4af-80a5-4ec1-8706-e03f8332fb04";

    #[test]
    fn one_id_per_line_skipping_blank_lines_and_comments_with_line_numbers() {
        let text = format!("# exported 2026-12-01\n\n{A}\n   \n  {B}  \r\nnot-a-guid\n\"{A}\n{A},{B}\n");
        assert_eq!(
            rows(&text),
            [
                format!("3 {A}"),
                format!("5 {B}"),
                "6 !not-a-guid: order_tracking_id: not a tracking id (a GUID such as 5b1c4a3e-2f6d-4e8a-9c7b-1a2b3c4d5e6f)"
                    .to_owned(),
                // A stray quote is part of the line, and does not swallow the next one.
                format!("7 !\"{A}: order_tracking_id: not a tracking id (a GUID such as {A})"),
                format!("8 !{A},{B}: order_tracking_id: not a tracking id (a GUID such as {A})"),
            ]
        );
    }

    #[test]
    fn a_byte_order_mark_is_not_part_of_the_first_id() {
        assert_eq!(rows(&format!("\u{feff}{A}\r\n{B}\r\n")), [format!("1 {A}"), format!("2 {B}")]);
    }

    #[test]
    fn a_csv_is_known_by_its_header_in_any_case_with_a_byte_order_mark() {
        let text = format!(
            "\u{feff}\"ORDER_TRACKING_ID\",Date,note\r\n{A},2026-12-01,\"a, b\"\r\n{B},2026-12-02,\"two\r\nlines, {A}\"\r\n,2026-12-03,x\r\n"
        );
        assert_eq!(rows(&text), [format!("2 {A}"), format!("3 {B}"), "5 !: order_tracking_id: missing".to_owned()]);
    }

    #[test]
    fn a_csv_with_the_expected_order() {
        let text = format!(
            "order_tracking_id,merchant_reference,amount,currency\n{A},ORDER-1,2500,kes\n{B},,abc,\n{A},ORDER-2,0,KES\n"
        );
        assert_eq!(
            rows(&text),
            [
                format!("2 {A} ORDER-1 KES 2500"),
                format!("3 !{B}: merchant_reference: missing; amount: not an amount: \"abc\"; currency: missing"),
                format!("4 !{A}: amount: must be more than 0"),
            ]
        );
    }

    #[test]
    fn the_expected_order_s_columns_go_together() {
        let error = orders("order_tracking_id,amount\n").err().unwrap();
        assert_eq!(
            error,
            "the expected order's columns go together (merchant_reference, amount, currency); missing: merchant_reference, currency"
        );
    }

    #[test]
    fn an_empty_input_has_no_rows() {
        assert!(rows("").is_empty());
        assert!(rows("\n# nothing\n").is_empty());
        assert!(rows("order_tracking_id\n").is_empty());
    }
}
