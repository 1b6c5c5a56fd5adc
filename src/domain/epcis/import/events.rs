//! The mapping of each kind of EPCIS event to statements: an
//! `ObjectEvent` by its action and business step (commissioning, shipping,
//! receiving, inspecting, holding) and a `TransformationEvent`.

use super::reader::{EventReader, Object, cbv_word, fallback_name, geo, sides};
use crate::domain::epcis::uri::trim;
use crate::domain::epcis::{
    ACCEPTED, CATEGORY, CERTIFICATIONS, HARVESTED_AT, LOT, NOTE, OCOP_STARS, ORIGIN_PLACE, OUTPUTS,
    PROCESS, PRODUCER, PRODUCT_NAME, REASON, REPORT, RESULT, SCHEME,
};
use crate::domain::ids::ContractId;
use crate::domain::product::{Category, InspectResult, Process, Scheme};
use crate::domain::statement::StatementType;
use crate::domain::time::Timestamp;
use serde_json::{Value, json};

impl EventReader<'_> {
    pub(super) fn map(&mut self) {
        match self.plan.event_time.as_deref().map(Timestamp::parse) {
            Some(Ok(_)) => {}
            _ => {
                self.note("eventTime is missing or not an RFC 3339 time: nothing is mapped");
                return;
            }
        }
        match self.plan.event_type.as_str() {
            "ObjectEvent" => self.object_event(),
            "TransformationEvent" => self.transformation(),
            other => self.note(format!(
                "a {other} has no counterpart among the ledger's statements"
            )),
        }
    }

    fn object_event(&mut self) {
        let action = self.str("action").unwrap_or_default();
        let step = self.plan.biz_step.clone().unwrap_or_default();
        let step = cbv_word(&step);
        let disposition = self.str("disposition").map(cbv_word).unwrap_or_default();
        let objects = self.objects("epcList", "quantityList");
        if !(action == "ADD" && step == "commissioning") {
            for o in objects.iter().filter(|o| o.stated) {
                if let Some(q) = o.quantity {
                    self.note(format!(
                        "{}: quantity {q} is not carried; the ledger's statements other than batch.create name no quantity (a shipment moves all that remains)",
                        o.batch
                    ));
                }
            }
        }
        match (action, step, disposition) {
            ("ADD", "commissioning", _) => {
                self.disposition_as(disposition, &["active"]);
                for o in objects {
                    self.create(o);
                }
            }
            ("DELETE", ..) => self.note("action DELETE has no counterpart in the ledger"),
            (_, "shipping", _) => {
                self.disposition_as(disposition, &["in_transit"]);
                let to = self.party("destinationList", "destination");
                let from = self.party("sourceList", "source");
                let Some(to_id) = to.as_deref().and_then(|t| self.actor(t)) else {
                    self.note(match to {
                        Some(t) => format!(
                            "shipping: the destination {t} is no actor of the ledger; give --actor {t}=ID"
                        ),
                        None => "shipping: no owning or possessing party in destinationList names the recipient".into(),
                    });
                    return;
                };
                let Some(by) = self.signer(from.as_deref()) else {
                    self.note("shipping: no sender; give --by or --actor for the source party");
                    return;
                };
                let contract = self.contract();
                for o in objects {
                    let mut f = json!({"batch": o.batch, "to": to_id});
                    if let Some(c) = &contract {
                        f["contract"] = json!(c);
                    }
                    let summary = format!("{} → {to_id}", o.batch);
                    self.push(&by, StatementType::Ship, f, summary);
                }
            }
            (_, "receiving", _) => {
                self.disposition_as(disposition, &["in_progress", "returned"]);
                let to = self.party("destinationList", "destination");
                // The sender is the open shipment's, which the ledger knows;
                // the list is read only to report what else it names.
                self.party("sourceList", "source");
                let accepted = match self.get(ACCEPTED).and_then(Value::as_bool) {
                    Some(a) => a,
                    None => disposition != "returned",
                };
                let Some(by) = self.signer(to.as_deref()) else {
                    self.note("receiving: no receiver; give --by or --actor for the destination party");
                    return;
                };
                for o in objects {
                    let word = if accepted { "accepted" } else { "refused" };
                    let summary = format!("{} {word}", o.batch);
                    self.push(&by, StatementType::Receive, json!({"batch": o.batch, "accepted": accepted}), summary);
                }
            }
            (_, "inspecting", _) => self.inspect(objects, disposition),
            (_, _, "recalled") => {
                let Some(by) = self.signer(None) else {
                    self.note("recall: no signer; give --by");
                    return;
                };
                let reason = self
                    .str(REASON)
                    .map(str::to_owned)
                    .unwrap_or_else(|| "Recalled (EPCIS disposition recalled)".to_owned());
                for o in objects {
                    let summary = format!("{} ({reason})", o.batch);
                    self.push(&by, StatementType::Recall, json!({"batch": o.batch, "reason": reason}), summary);
                }
            }
            (a, s, d) => self.note(format!(
                "an ObjectEvent with action {a}, bizStep {s:?} and disposition {d:?} has no counterpart among the ledger's statements"
            )),
        }
    }

    /// The contract of a `bizTransactionList`: an entry whose URI is a
    /// contract of the target ledger. Other entries are reported.
    fn contract(&mut self) -> Option<ContractId> {
        let list = self.get("bizTransactionList").and_then(Value::as_array)?;
        let prefix = self
            .opts
            .ledger_base
            .as_deref()
            .map(|b| format!("{}/api/v1/contracts/", trim(b)));
        let mut found = None;
        for t in list {
            let uri = t
                .get("bizTransaction")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let id = prefix
                .as_deref()
                .and_then(|p| uri.strip_prefix(p))
                .and_then(|id| ContractId::parse(id).ok());
            match id {
                Some(id) if found.is_none() => found = Some(id),
                _ => self.note(format!(
                    "bizTransactionList {uri}: not a contract of this ledger"
                )),
            }
        }
        found
    }

    fn create(&mut self, o: Object) {
        let Some(quantity) = o.quantity else {
            self.note(format!(
                "commissioning {}: no quantity to create it with",
                o.batch
            ));
            return;
        };
        let category = match self.ilmd_str(CATEGORY) {
            Some(c) if Category::parse(c).is_none() => {
                self.note(format!("ilmd {CATEGORY} {c:?} is no ledger category"));
                self.opts.category
            }
            Some(c) => Category::parse(c),
            None => self.opts.category,
        };
        let name = self.ilmd_str(PRODUCT_NAME);
        let stars = self.ilmd(OCOP_STARS);
        let what = format!("commissioning {}", o.batch);
        let Some(product) = self.product(&what, &o, category, name, stars) else {
            return;
        };
        let Some(origin) = self.origin() else {
            self.note(format!(
                "commissioning {}: no origin place (coop:originPlace, bizLocation or readPoint)",
                o.batch
            ));
            return;
        };
        let mut f = json!({
            "batch": o.batch,
            "product": product,
            "quantity": quantity,
            "origin": origin,
        });
        if let Some(h) = self.ilmd(HARVESTED_AT) {
            f["harvested_at"] = h.clone();
        }
        if let Some(p) = self.ilmd(PRODUCER) {
            f["producer"] = p.clone();
        }
        if let Some(c) = self.ilmd(CERTIFICATIONS) {
            f["certifications"] = c.clone();
            self.mark("certificationInfo");
        }
        let Some(by) = self.signer(None) else {
            self.note("commissioning: no signer; give --by");
            return;
        };
        let name = product["name"].as_str().unwrap_or_default();
        let summary = format!("{} · {quantity} · {name}", o.batch);
        self.push(&by, StatementType::BatchCreate, f, summary);
    }

    /// A product: its category (else a note asking for `--category`), its
    /// name (else one made from its GTIN or lot, with a note), the GTIN of
    /// its identifier and its OCOP stars.
    fn product(
        &mut self,
        what: &str,
        o: &Object,
        category: Option<Category>,
        name: Option<&str>,
        stars: Option<&Value>,
    ) -> Option<Value> {
        let Some(category) = category else {
            self.note(format!(
                "{what}: the product category is not in the event; give --category"
            ));
            return None;
        };
        let name = match name {
            Some(n) => n.to_owned(),
            None => {
                let name = fallback_name(&o.batch, o.gtin.as_ref());
                self.note(format!(
                    "{what}: no product name in the event; named {name:?}"
                ));
                name
            }
        };
        let mut product = json!({"category": category.as_str(), "name": name});
        if let Some(g) = o.gtin {
            product["gtin"] = json!(g);
        }
        if let Some(stars) = stars {
            product["ocop_stars"] = stars.clone();
        }
        Some(product)
    }

    /// The origin of a commissioned lot: the place named in `coop:originPlace`,
    /// else the `bizLocation` or `readPoint` URI; a `geo:` URI gives its
    /// coordinates too.
    fn origin(&mut self) -> Option<Value> {
        let biz = self
            .get("bizLocation")
            .and_then(|l| l.get("id"))
            .and_then(Value::as_str);
        let read = self
            .get("readPoint")
            .and_then(|l| l.get("id"))
            .and_then(Value::as_str);
        let named = self.ilmd_str(ORIGIN_PLACE);
        let place = named.or(biz).or(read)?;
        let coords = [biz, read].into_iter().flatten().find(|l| geo(l).is_some());
        let mut origin = json!({ "place": place });
        if let Some((lat, lon)) = coords.and_then(geo) {
            origin["lat"] = json!(lat);
            origin["lon"] = json!(lon);
        }
        for (field, l) in [("bizLocation", biz), ("readPoint", read)] {
            if let Some(l) = l.filter(|l| Some(*l) != coords && *l != place) {
                self.note(format!(
                    "{field} {l}: the origin is {place:?}; a statement keeps one place"
                ));
            }
        }
        Some(origin)
    }

    /// Reports a disposition the statement has no counterpart for.
    fn disposition_as(&mut self, disposition: &str, expected: &[&str]) {
        if !disposition.is_empty() && !expected.contains(&disposition) {
            self.note(format!(
                "disposition {disposition}: the statement has no counterpart for it"
            ));
        }
    }

    fn inspect(&mut self, objects: Vec<Object>, disposition: &str) {
        let result = match self.str(RESULT).and_then(InspectResult::parse) {
            Some(r) => r,
            None => match disposition {
                "conformant" => InspectResult::Pass,
                "non_conformant" => InspectResult::Fail,
                other => {
                    self.note(format!(
                        "inspecting: disposition {other:?} says neither conformant nor non_conformant, so no pass or fail"
                    ));
                    return;
                }
            },
        };
        let scheme = match self.str(SCHEME).and_then(Scheme::parse) {
            Some(s) => s,
            None => {
                self.note("inspecting: no coop:inspectionScheme; taken as scheme other");
                Scheme::Other
            }
        };
        let Some(by) = self.signer(None) else {
            self.note("inspecting: no inspector; give --by");
            return;
        };
        let report = self.get(REPORT).cloned();
        let note = self.get(NOTE).cloned();
        for o in objects {
            let mut f =
                json!({"batch": o.batch, "result": result.as_str(), "scheme": scheme.as_str()});
            if let Some(r) = &report {
                f["report_blake3"] = r.clone();
            }
            if let Some(n) = &note {
                f["note"] = n.clone();
            }
            let summary = format!("{} {} ({})", o.batch, result, scheme);
            self.push(&by, StatementType::Inspect, f, summary);
        }
    }

    fn transformation(&mut self) {
        let inputs = self.objects("inputEPCList", "inputQuantityList");
        let outputs = self.objects("outputEPCList", "outputQuantityList");
        let step = self.plan.biz_step.clone().unwrap_or_default();
        let disposition = self.str("disposition").map(cbv_word).unwrap_or_default();
        self.disposition_as(disposition, &["active", "in_progress"]);
        let process = match self.str(PROCESS).and_then(Process::parse) {
            Some(p) => p,
            None if matches!(cbv_word(&step), "packing" | "repackaging") => Process::Packing,
            None => {
                self.note(format!(
                    "bizStep {step:?} names no ledger process; taken as processing"
                ));
                Process::Processing
            }
        };
        let products: Vec<&Value> = self
            .ilmd(OUTPUTS)
            .and_then(Value::as_array)
            .map(|a| a.iter().collect())
            .unwrap_or_default();
        let mut ins = Vec::new();
        for i in &inputs {
            match i.quantity {
                Some(q) => {
                    ins.push(json!({"batch": i.batch, "amount": q.amount}));
                    if let Some(u) = i.uom {
                        self.note(format!(
                            "input {}: uom {u}: a transformation input has no unit in the ledger; {} is read in the batch's own unit",
                            i.batch, q.amount
                        ));
                    }
                }
                None => self.note(format!("input {}: no quantity used", i.batch)),
            }
        }
        let mut outs = Vec::new();
        for o in &outputs {
            let Some(quantity) = o.quantity else {
                self.note(format!("output {}: no quantity made", o.batch));
                continue;
            };
            let known = products
                .iter()
                .find(|p| p.get(LOT).and_then(Value::as_str) == Some(o.batch.as_str()));
            let field = |key: &str| known.and_then(|p| p.get(key));
            let category = field(CATEGORY)
                .and_then(Value::as_str)
                .and_then(Category::parse)
                .or(self.opts.category);
            let name = field(PRODUCT_NAME).and_then(Value::as_str);
            let what = format!("output {}", o.batch);
            let Some(product) = self.product(&what, o, category, name, field(OCOP_STARS)) else {
                continue;
            };
            outs.push(json!({"batch": o.batch, "product": product, "quantity": quantity}));
        }
        if ins.is_empty() || outs.is_empty() {
            self.note("a transformation needs at least one input and one output the ledger can name: nothing is mapped");
            return;
        }
        let Some(by) = self.signer(None) else {
            self.note("transformation: no signer; give --by");
            return;
        };
        let summary = format!(
            "{process}: {} → {}",
            sides(&inputs, false),
            sides(&outputs, true)
        );
        self.push(
            &by,
            StatementType::Transform,
            json!({"process": process.as_str(), "inputs": ins, "outputs": outs}),
            summary,
        );
    }
}
