//! The one number and date formatter of the server's pages (spec §8.8,
//! §9): the buyer page, the dashboard and the labels write numbers, dates
//! and quantities through it, in the reader's language. Vietnamese writes
//! a decimal comma and groups thousands with dots (`9,51 tấn`,
//! `1.250 kg`), English the other way round; dates are `dd/mm/yyyy` in
//! both, times in Vietnam's time. Its counterpart in the browser is
//! `web/static/format.js`.

use super::i18n::Texts;
use crate::domain::linkage::Figure;
use crate::domain::messages::Lang;
use crate::domain::time::{Day, Timestamp};

/// How the page writes numbers: Vietnamese `1.250,5` and `33,3%`, English
/// `1,250.5` and `33.3%`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NumberFormat {
    /// The decimal separator.
    pub decimal: char,
    /// The thousands separator.
    pub thousands: char,
}

impl NumberFormat {
    /// The separators of `lang`.
    pub fn of(lang: Lang) -> Self {
        match lang {
            Lang::Vi => Self {
                decimal: ',',
                thousands: '.',
            },
            Lang::En => Self {
                decimal: '.',
                thousands: ',',
            },
        }
    }

    /// Groups the digits of `digits` (an unsigned integer as text) by three.
    fn group(&self, digits: &str) -> String {
        let n = digits.len();
        let mut out = String::with_capacity(n + n / 3);
        for (i, ch) in digits.chars().enumerate() {
            if i > 0 && (n - i).is_multiple_of(3) {
                out.push(self.thousands);
            }
            out.push(ch);
        }
        out
    }

    /// A count: `12.345` (vi), `12,345` (en).
    pub fn count(&self, n: u64) -> String {
        self.group(&n.to_string())
    }

    /// An exact decimal as the ledger writes it (`1250.5`), in the page's
    /// separators (`1.250,5`); any other text is returned as it is.
    pub fn decimal(&self, text: &str) -> String {
        let (int, frac) = text.split_once('.').unwrap_or((text, ""));
        if int.is_empty() || !int.bytes().all(|b| b.is_ascii_digit()) {
            return text.to_owned();
        }
        let mut out = self.group(int);
        if !frac.is_empty() {
            out.push(self.decimal);
            out.push_str(frac);
        }
        out
    }

    /// A fraction 0..=1 in percent, to one decimal place at most: `60%`,
    /// `33,3%`.
    pub fn percent(&self, share: f64) -> String {
        format!("{}%", self.points(share))
    }

    /// A fraction as percentage points, without the sign: `25`, `8,3`.
    pub fn points(&self, share: f64) -> String {
        let tenths = (share.clamp(0.0, 1.0) * 1000.0).round() as u64;
        let (whole, tenth) = (tenths / 10, tenths % 10);
        if tenth == 0 {
            whole.to_string()
        } else {
            format!("{whole}{}{tenth}", self.decimal)
        }
    }

    /// `linked/registered · share`, the label of a bar.
    pub fn ratio(&self, f: &Figure) -> String {
        self.fraction(f.linked, f.registered, f.share)
    }

    /// `part/whole · share`: `3/5 · 60%`.
    pub fn fraction(&self, part: u64, whole: u64, share: f64) -> String {
        format!(
            "{}/{} · {}",
            self.count(part),
            self.count(whole),
            self.percent(share)
        )
    }
}

/// Shows an RFC 3339 time as a Vietnamese clock time: `12/06/2026 16:00`.
pub fn local_time(at: &str) -> String {
    match Timestamp::parse(at) {
        Ok(t) => {
            let local = t.local();
            format!(
                "{:02}/{:02}/{:04} {:02}:{:02}",
                local.day(),
                u8::from(local.month()),
                local.year(),
                local.hour(),
                local.minute()
            )
        }
        Err(_) => at.to_owned(),
    }
}

/// A harvest time as written: a bare date as `10/06/2026`, a time as
/// [`local_time`].
pub fn harvest_time(text: &str) -> String {
    match crate::domain::time::parse_date(text) {
        Ok(d) => format!("{:02}/{:02}/{:04}", d.day(), u8::from(d.month()), d.year()),
        Err(_) => local_time(text),
    }
}

/// A day as `01/04/2026`.
pub fn day(d: Day) -> String {
    let d = d.date();
    format!("{:02}/{:02}/{:04}", d.day(), u8::from(d.month()), d.year())
}

/// A quantity with its unit in the language of `t`: `9,51 tấn`.
pub fn quantity(t: &Texts, q: &crate::domain::quantity::Quantity) -> String {
    let n = NumberFormat::of(Lang::negotiate(Some(t.tag), None));
    format!("{} {}", n.decimal(&q.amount.to_string()), t.unit(q.unit))
}
