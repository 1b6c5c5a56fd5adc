//! GS1 Digital Link paths and the query strings (spec §8): the parsers the
//! http layer calls for `/01/{gtin}/10/{lot}`, `/b/{id}` and every
//! `QueryParams` struct (read with `serde_urlencoded`, as the extractor
//! does), and the domain parsers those call.
//!
//! Invariants: no panic; every value that parses writes back to text that
//! parses to the same value, and ids, GTINs, keys and harvest times are
//! kept verbatim; a Digital Link path that parses names the same lot when
//! written again.
#![no_main]

use coop_ledger::domain::epcis::uri::{lot_uri, parse_ident, percent_decode};
use coop_ledger::domain::ids::{ActorId, BatchId, ContractId, EntryId};
use coop_ledger::domain::keys::PublicKey;
use coop_ledger::domain::messages::Lang;
use coop_ledger::domain::product::{Category, Gtin};
use coop_ledger::domain::quantity::Amount;
use coop_ledger::domain::time::{Day, HarvestTime, Timestamp};
use coop_ledger::http::{api, export, labels, lists};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    queries(text);
    if let Some(path) = text.strip_prefix("/01/") {
        digital_link(path);
    }
    let pieces = text.split(['/', '?', '&', '=']);
    for piece in std::iter::once(text).chain(pieces) {
        values(piece);
        if let Some(decoded) = percent_decode(piece) {
            values(&decoded);
        }
    }
});

/// Every query struct the API reads, as `QueryParams` reads it.
fn queries(q: &str) {
    let _ = serde_urlencoded::from_str::<api::EntriesQuery>(q);
    let _ = serde_urlencoded::from_str::<api::InclusionQuery>(q);
    let _ = serde_urlencoded::from_str::<api::ConsistencyQuery>(q);
    let _ = serde_urlencoded::from_str::<api::KeyQuery>(q);
    let _ = serde_urlencoded::from_str::<export::PeriodQuery>(q);
    let _ = serde_urlencoded::from_str::<export::CsvQuery>(q);
    let _ = serde_urlencoded::from_str::<labels::LabelsQuery>(q);
    let _ = serde_urlencoded::from_str::<lists::MembersQuery>(q);
    let _ = serde_urlencoded::from_str::<lists::SignedQuery>(q);
    if let Ok(p) = serde_urlencoded::from_str::<api::LinkageParams>(q) {
        let _ = p.parse();
    }
    let explicit = q.split('&').find_map(|kv| kv.strip_prefix("lang="));
    let _ = Lang::negotiate(explicit, Some(q));
}

/// `/01/{gtin}/10/{lot}` after its `/01/`, as the router and handler read it.
fn digital_link(path: &str) {
    let Some((gtin, rest)) = path.split_once('/') else {
        return;
    };
    let Some(lot) = rest.strip_prefix("10/") else {
        return;
    };
    let (Some(g), Some(lot)) = (Gtin::parse(gtin), percent_decode(lot)) else {
        return;
    };
    let Ok(id) = BatchId::parse(&lot) else {
        return;
    };
    let uri = lot_uri("https://ledger.example", &id, Some(&g));
    assert_eq!(parse_ident(&uri).and_then(|i| i.batch()), Ok((id, Some(g))));
}

/// Every domain value parser the edge calls, with its round trip.
fn values(s: &str) {
    if let Some(g) = Gtin::parse(s) {
        assert_eq!(g.as_str(), s);
    }
    if let Ok(id) = BatchId::parse(s) {
        assert_eq!(id.as_str(), s);
    }
    if let Ok(id) = ActorId::parse(s) {
        assert_eq!(id.to_string(), s);
    }
    if let Ok(id) = ContractId::parse(s) {
        assert_eq!(id.as_str(), s);
    }
    if let Ok(e) = EntryId::parse_hex(s) {
        assert_eq!(EntryId::parse_hex(&e.to_string()), Ok(e));
    }
    if let Ok(k) = PublicKey::parse(s) {
        assert_eq!(k.to_string(), s, "a key is written as it is read");
    }
    if let Ok(d) = Day::parse(s) {
        assert_eq!(Day::parse(&d.to_string()), Ok(d), "{d}");
    }
    if let Ok(t) = Timestamp::parse(s) {
        assert_eq!(Timestamp::parse(&t.to_string()), Ok(t), "{t}");
    }
    if let Ok(h) = HarvestTime::parse(s) {
        assert_eq!(h.as_str(), s);
        assert_eq!(HarvestTime::parse(h.as_str()), Ok(h.clone()));
        assert_eq!(
            Timestamp::parse(&h.earliest().to_string()),
            Ok(h.earliest())
        );
    }
    if let Ok(a) = Amount::parse(s) {
        assert_eq!(Amount::parse(&a.to_string()), Ok(a), "{a}");
    }
    if let Some(c) = Category::parse(s) {
        assert_eq!(c.as_str(), s);
    }
}
