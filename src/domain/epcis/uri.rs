//! The identifiers of EPCIS documents, both ways: the URIs the export
//! writes for lots, actors, contracts, events and certificates, and
//! [`parse_ident`], which reads GS1 Digital Link URIs, SGTIN and LGTIN EPC
//! URNs and ledger batch pages back to batch ids (GTIN check digits via
//! [`check_digit`]). Percent-encoding is the `percent-encoding` crate's,
//! with RFC 3986's unreserved set kept as it is.

use super::{DIGITAL_LINK_HOST, EXT_NAMESPACE};
use crate::domain::ids::{ActorId, BatchId, ContractId};
use crate::domain::product::{Gtin, Scheme, check_digit};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};

/// The bytes [`percent_encode`] escapes: every byte outside RFC 3986's
/// unreserved set (ASCII letters and digits, `-`, `.`, `_`, `~`), so every
/// non-ASCII byte too.
pub const NOT_UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Percent-encodes every byte outside RFC 3986's unreserved set, as `%XX`
/// with upper-case hex digits.
pub fn percent_encode(s: &str) -> String {
    utf8_percent_encode(s, NOT_UNRESERVED).to_string()
}

/// Decodes `%XX` escapes; `None` for a bad escape or bytes that are not
/// UTF-8. (The crate passes a malformed escape through as it is written;
/// an identifier with one is refused here instead.)
pub fn percent_decode(s: &str) -> Option<String> {
    let escapes_ok = s.split('%').skip(1).all(|after| {
        after
            .get(..2)
            .is_some_and(|h| h.bytes().all(|b| b.is_ascii_hexdigit()))
    });
    if !escapes_ok {
        return None;
    }
    percent_decode_str(s)
        .decode_utf8()
        .ok()
        .map(|d| d.into_owned())
}

pub(super) fn trim(base: &str) -> &str {
    base.trim_end_matches('/')
}

/// The identifier of a lot in quantity lists: its GS1 Digital Link class
/// URI when its product has a GTIN, else the ledger's own page of it
/// (spec §8: never an invented GTIN).
pub fn lot_uri(base: &str, lot: &BatchId, gtin: Option<&Gtin>) -> String {
    match gtin {
        Some(g) => format!("{DIGITAL_LINK_HOST}/01/{g}/10/{lot}"),
        None => format!("{}/b/{lot}", trim(base)),
    }
}

/// An actor's URI: its record in the ledger's API.
pub fn actor_uri(base: &str, id: &ActorId) -> String {
    format!("{}/api/v1/actors/{id}", trim(base))
}

/// A contract's URI: its record in the ledger's API.
pub fn contract_uri(base: &str, id: &ContractId) -> String {
    format!("{}/api/v1/contracts/{id}", trim(base))
}

/// An event's id: the URL that serves the leaf it comes from.
pub fn event_id(base: &str, index: u64) -> String {
    format!("{}/api/v1/entries?start={index}&limit=1", trim(base))
}

/// A certificate's URI: the scheme and number under the extension
/// namespace (the ledger keeps no certificate documents to point to).
pub(super) fn certificate_uri(scheme: Scheme, id: &str) -> String {
    format!(
        "{EXT_NAMESPACE}certificate:{}:{}",
        percent_encode(scheme.as_str()),
        percent_encode(id)
    )
}

/// What an EPCIS identifier names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ident {
    /// A lot of a trade item: Digital Link `/01/{gtin}/10/{lot}` or
    /// `urn:epc:class:lgtin:…`.
    Lot {
        /// The trade item.
        gtin: Gtin,
        /// The lot, percent-decoded.
        lot: String,
    },
    /// One serialised item: Digital Link `/01/{gtin}/21/{serial}` or
    /// `urn:epc:id:sgtin:…`.
    Item {
        /// The trade item.
        gtin: Gtin,
        /// The serial number, percent-decoded.
        serial: String,
    },
    /// A lot without a GTIN, named by a ledger's own page `…/b/{id}`.
    Batch(BatchId),
}

impl Ident {
    /// The batch id the ledger uses: the lot itself (so that the buyer's
    /// page `/01/{gtin}/10/{lot}` finds it), `{gtin}.{serial}` for an item,
    /// or the id of a ledger page.
    pub fn batch(&self) -> Result<(BatchId, Option<Gtin>), String> {
        match self {
            Ident::Lot { gtin, lot } => BatchId::parse(lot)
                .map(|b| (b, Some(*gtin)))
                .map_err(|e| format!("lot {lot:?} cannot be a batch id: {e}")),
            Ident::Item { gtin, serial } => BatchId::parse(&format!("{gtin}.{serial}"))
                .map(|b| (b, Some(*gtin)))
                .map_err(|e| format!("serial {serial:?} of GTIN {gtin} cannot be a batch id: {e}")),
            Ident::Batch(b) => Ok((b.clone(), None)),
        }
    }
}

/// The GTIN-14 of an EPC company prefix and indicator + item reference
/// (GS1 EPC Tag Data Standard §6.3.1): indicator, prefix, item reference,
/// then the computed check digit.
fn gtin_of_epc(prefix: &str, item: &str) -> Result<Gtin, String> {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(prefix) || !digits(item) || prefix.len() + item.len() != 13 {
        return Err(format!(
            "{prefix}.{item} is not a GS1 company prefix and item reference of 13 digits"
        ));
    }
    let mut gtin = format!("{}{prefix}{}", &item[..1], &item[1..]);
    let check = check_digit(gtin.as_bytes());
    gtin.push(char::from(b'0' + check));
    Gtin::parse(&gtin).ok_or_else(|| format!("GTIN {gtin} is not valid"))
}

/// A GTIN as a Digital Link writes it (8, 12, 13 or 14 digits, GS1 Digital
/// Link 1.2 §4.4), padded to 14 digits and checked.
fn gtin_of_link(s: &str) -> Result<Gtin, String> {
    if !matches!(s.len(), 8 | 12 | 13 | 14) || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("{s:?} is not a GTIN"));
    }
    let padded = format!("{s:0>14}");
    Gtin::parse(&padded).ok_or_else(|| format!("GTIN {s} has a wrong check digit"))
}

/// Reads an EPCIS identifier: a GS1 Digital Link URI (any host) with a lot
/// or serial, an SGTIN or LGTIN EPC URN, or a ledger page `…/b/{id}`.
pub fn parse_ident(uri: &str) -> Result<Ident, String> {
    let decode = |s: &str| percent_decode(s).ok_or_else(|| format!("{uri}: bad percent escape"));
    if let Some(rest) = uri.strip_prefix("urn:epc:class:lgtin:") {
        let parts: Vec<&str> = rest.splitn(3, '.').collect();
        let [prefix, item, lot] = parts[..] else {
            return Err(format!("{uri}: an LGTIN is prefix.item.lot"));
        };
        return Ok(Ident::Lot {
            gtin: gtin_of_epc(prefix, item)?,
            lot: decode(lot)?,
        });
    }
    if let Some(rest) = uri.strip_prefix("urn:epc:id:sgtin:") {
        let parts: Vec<&str> = rest.splitn(3, '.').collect();
        let [prefix, item, serial] = parts[..] else {
            return Err(format!("{uri}: an SGTIN is prefix.item.serial"));
        };
        return Ok(Ident::Item {
            gtin: gtin_of_epc(prefix, item)?,
            serial: decode(serial)?,
        });
    }
    if uri.starts_with("urn:epc:idpat:") {
        return Err(format!("{uri}: a pattern names no single batch"));
    }
    let Some(after) = uri
        .strip_prefix("https://")
        .or_else(|| uri.strip_prefix("http://"))
    else {
        return Err(format!(
            "{uri}: not a GS1 lot or item, nor a ledger batch page"
        ));
    };
    let path = after.split(['?', '#']).next().unwrap_or("");
    let segments: Vec<&str> = path.split('/').skip(1).collect();
    if let Some(at) = segments.iter().position(|s| *s == "01") {
        let gtin = gtin_of_link(segments.get(at + 1).copied().unwrap_or(""))?;
        return match segments.get(at + 2..) {
            Some(["10", lot]) => Ok(Ident::Lot {
                gtin,
                lot: decode(lot)?,
            }),
            Some(["21", serial]) => Ok(Ident::Item {
                gtin,
                serial: decode(serial)?,
            }),
            Some([]) | None => Err(format!(
                "{uri}: a GTIN without a lot or serial names no single batch"
            )),
            Some(_) => Err(format!(
                "{uri}: only /10/{{lot}} or /21/{{serial}} after the GTIN name a batch"
            )),
        };
    }
    match segments[..] {
        [.., "b", id] => BatchId::parse(&decode(id)?)
            .map(Ident::Batch)
            .map_err(|e| format!("{uri}: {e}")),
        _ => Err(format!(
            "{uri}: not a GS1 lot or item, nor a ledger batch page"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_give_batch_ids_and_checked_gtins() {
        // LGTIN: the indicator digit moves to the front and the check digit
        // is computed.
        let lot = parse_ident("urn:epc:class:lgtin:4012345.011111.4444").expect("lgtin");
        let (batch, gtin) = lot.batch().expect("batch");
        assert_eq!(batch.as_str(), "4444");
        let gtin = gtin.expect("gtin");
        assert!(gtin.as_str().starts_with("0401234511111"));
        assert!(Gtin::parse(gtin.as_str()).is_some());
        let dl = parse_ident("https://id.gs1.org/01/00614141777778/10/987").expect("dl");
        assert_eq!(
            dl.batch()
                .map(|(b, g)| (b.to_string(), g.map(|g| g.to_string()))),
            Ok(("987".into(), Some("00614141777778".into())))
        );
        let item = parse_ident("urn:epc:id:sgtin:4012345.077889.25").expect("sgtin");
        let (batch, _) = item.batch().expect("batch");
        assert!(batch.as_str().ends_with(".25"));
        // A wrong check digit, a class without a lot and a pattern name no batch.
        assert!(parse_ident("https://id.gs1.org/01/00614141777779/10/987").is_err());
        assert!(parse_ident("https://id.gs1.org/01/04012345666663").is_err());
        assert!(parse_ident("urn:epc:idpat:sgtin:4012345.066666.*").is_err());
        // A lot with characters a batch id cannot hold is refused, not changed.
        let odd = parse_ident("https://id.gs1.org/01/00614141777778/10/A%2FB").expect("dl");
        assert!(odd.batch().is_err());
        assert_eq!(
            parse_ident("https://ledger.example.vn/b/gao-01"),
            Ok(Ident::Batch(BatchId::parse("gao-01").expect("id")))
        );
    }

    #[test]
    fn percent_encoding_round_trips() {
        let s = "VG-BG 2026/Hà";
        let e = percent_encode(s);
        assert!(
            e.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-._~%".contains(&b))
        );
        assert_eq!(percent_decode(&e).as_deref(), Some(s));
        assert_eq!(percent_decode("%ZZ"), None);
    }

    #[test]
    fn percent_encoding_keeps_its_bytes() {
        // The bytes the hand-written encoder wrote before the crate (issue
        // 12): unreserved ASCII as it is, every other byte as upper-case %XX.
        for b in 0..=127u8 {
            let c = char::from(b).to_string();
            let expected = if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                c.clone()
            } else {
                format!("%{b:02X}")
            };
            assert_eq!(percent_encode(&c), expected, "byte {b}");
        }
        assert_eq!(percent_encode("VG-BG 2026/Hà"), "VG-BG%202026%2FH%C3%A0");
        assert_eq!(percent_decode("a%2fb").as_deref(), Some("a/b"));
        assert_eq!(percent_decode("a%2").as_deref(), None);
        assert_eq!(percent_decode("%C3").as_deref(), None);
    }
}
