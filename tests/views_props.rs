//! Property test of the views (issue 3): random sequences of valid and
//! invalid statements, submitted to a real ledger on disk.

mod common;

use common::cast::*;
use common::*;
use coop_ledger::domain::builder::{self, Draft, StatementBuilder};
use coop_ledger::domain::envelope::Envelope;
use coop_ledger::domain::ids::{ActorId, BatchId, ContractId};
use coop_ledger::domain::keys::PublicKey;
use coop_ledger::domain::leaf::Leaf;
use coop_ledger::domain::messages::Code;
use coop_ledger::domain::model::{Batch, Custody, ShipOutcome, Shipment};
use coop_ledger::domain::product::{Category, InspectResult, Process, Scheme};
use coop_ledger::domain::quantity::{Amount, Quantity, Unit};
use coop_ledger::domain::rules::{self, Context, MemState};
use coop_ledger::domain::statement::{self, StatementType};
use coop_ledger::domain::time::Day;
use coop_ledger::service::{Ledger, OpenOptions, ServiceError};
use ed25519_dalek::SigningKey;
use proptest::prelude::*;
use serde::Serialize;
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Actors that appear as signers, recipients and parties.
const ACTORS: &[&str] = &[
    MEMBER,
    COOP,
    BUSINESS,
    OTHER_COOP,
    MEMBER2,
    OTHER_MEMBER,
    BUSINESS2,
    AUDITOR,
    AUTHORITY,
    GROUP,
    REGISTRAR,
];
/// The first actors of [`ACTORS`] hold most batches; they sign most often.
const BUSY: usize = 3;
const BATCHES: &[&str] = &["lo-a", "lo-b", "lo-c", "lo-d", "lo-e"];
const CONTRACTS: &[&str] = &["hd-1", "hd-2"];
const PROCESSES: &[Process] = &[
    Process::Split,
    Process::Merge,
    Process::Drying,
    Process::Milling,
    Process::Packing,
];
const UNITS: &[Unit] = &[Unit::Kg, Unit::Kg, Unit::Kg, Unit::T, Unit::Box];

/// One random action; indexes pick from the lists above.
#[derive(Clone, Debug)]
enum Op {
    Create {
        by: usize,
        batch: usize,
        amount: u32,
        unit: usize,
    },
    Ship {
        by: usize,
        batch: usize,
        to: usize,
        contract: Option<usize>,
    },
    Receive {
        by: usize,
        batch: usize,
        accepted: bool,
    },
    Transform {
        by: usize,
        process: usize,
        inputs: Vec<(usize, u32)>,
        outputs: Vec<(usize, u32, usize)>,
    },
    Inspect {
        by: usize,
        batch: usize,
    },
    Recall {
        by: usize,
        batch: usize,
    },
    Offer {
        by: usize,
        contract: usize,
        coop: usize,
        business: usize,
    },
    Accept {
        by: usize,
        contract: usize,
    },
    Correct {
        by: usize,
        index: u64,
    },
    Rotate {
        by: usize,
    },
    Revoke {
        id: usize,
    },
    /// Signed with someone else's key.
    Forged {
        by: usize,
        batch: usize,
    },
    /// An amount the parser refuses.
    BadAmount {
        by: usize,
        batch: usize,
    },
}

/// A signer: mostly one of the busy actors, sometimes anyone.
fn signer() -> impl Strategy<Value = usize> + Clone {
    prop_oneof![3 => 0..BUSY, 1 => 0..ACTORS.len()]
}

fn op() -> impl Strategy<Value = Op> {
    let a = signer();
    let b = 0..BATCHES.len();
    prop_oneof![
        6 => (a.clone(), b.clone(), 500_000u32..2_000_000, 0..UNITS.len()).prop_map(|(by, batch, amount, unit)| Op::Create { by, batch, amount, unit }),
        4 => (a.clone(), b.clone(), a.clone(), proptest::option::of(0..CONTRACTS.len())).prop_map(|(by, batch, to, contract)| Op::Ship { by, batch, to, contract }),
        4 => (a.clone(), b.clone(), any::<bool>()).prop_map(|(by, batch, accepted)| Op::Receive { by, batch, accepted }),
        3 => (a.clone(), 0..PROCESSES.len(), proptest::collection::vec((b.clone(), 1u32..600_000), 1..3), proptest::collection::vec((b.clone(), 1u32..600_000, 0..UNITS.len()), 1..3))
            .prop_map(|(by, process, inputs, outputs)| Op::Transform { by, process, inputs, outputs }),
        1 => (a.clone(), b.clone()).prop_map(|(by, batch)| Op::Inspect { by, batch }),
        1 => (a.clone(), b.clone()).prop_map(|(by, batch)| Op::Recall { by, batch }),
        1 => (a.clone(), 0..CONTRACTS.len(), a.clone(), a.clone()).prop_map(|(by, contract, coop, business)| Op::Offer { by, contract, coop, business }),
        1 => (a.clone(), 0..CONTRACTS.len()).prop_map(|(by, contract)| Op::Accept { by, contract }),
        1 => (a.clone(), 0u64..30).prop_map(|(by, index)| Op::Correct { by, index }),
        1 => a.clone().prop_map(|by| Op::Rotate { by }),
        1 => (BUSY..ACTORS.len()).prop_map(|id| Op::Revoke { id }),
        1 => (a.clone(), b.clone()).prop_map(|(by, batch)| Op::Forged { by, batch }),
        1 => (a, b).prop_map(|(by, batch)| Op::BadAmount { by, batch }),
    ]
}

/// Signs statements with each actor's current key, as the actor would.
struct Signers {
    keys: HashMap<&'static str, SigningKey>,
    rotations: u32,
}

impl Signers {
    fn new() -> Self {
        Self {
            keys: ACTORS.iter().map(|a| (*a, key_of(a))).collect(),
            rotations: 0,
        }
    }

    /// The statement `build` makes, by `by` now with the nonce `n`, signed
    /// with `by`'s current key.
    fn sign<T: Serialize>(
        &self,
        by: &str,
        n: &str,
        build: impl FnOnce(StatementBuilder) -> Draft<T>,
    ) -> Envelope {
        self.draft(by, n, build).sign(&self.keys[by])
    }

    fn draft<T: Serialize>(
        &self,
        by: &str,
        n: &str,
        build: impl FnOnce(StatementBuilder) -> Draft<T>,
    ) -> Draft<T> {
        build(StatementBuilder::new(&actor(by), time(&now()))).nonce(n)
    }
}

/// An amount given in thousandths (at least one).
fn amount(milli: u32) -> Amount {
    Amount::from_milli(u64::from(milli.max(1))).expect("in range")
}

fn qty(milli: u32, unit: usize) -> Quantity {
    Quantity {
        amount: amount(milli),
        unit: UNITS[unit],
    }
}

fn actor_index(id: &ActorId) -> Option<usize> {
    ACTORS.iter().position(|a| *a == id.as_str())
}

/// Makes an op plausible against the current state, the way a clerk would
/// fill in a form: the holder ships and transforms (at most what remains),
/// the recipient receives, the creator recalls. Other fields stay random,
/// so many plausible ops are still refused.
fn plausible(op: &Op, ledger: &Ledger) -> Op {
    // A batch not made yet is none; any other error fails the case.
    let batch = |i: usize| match ledger.batch(&BatchId::parse(BATCHES[i]).expect("id")) {
        Ok(r) => Some(r.batch),
        Err(ServiceError::Refused(r)) if r.code == Code::UnknownBatch => None,
        Err(e) => panic!("reading {}: {e}", BATCHES[i]),
    };
    let mut op = op.clone();
    match &mut op {
        Op::Create { by, .. } => {
            *by %= 2;
        }
        Op::Ship { by, batch: b, .. } => {
            if let Some(i) = batch(*b).and_then(|x| actor_index(&x.holder)) {
                *by = i;
            }
        }
        Op::Receive { by, batch: b, .. } => {
            if let Some(Custody::InTransit { to, .. }) = batch(*b).map(|x| x.custody) {
                *by = actor_index(&to).unwrap_or(*by);
            }
        }
        Op::Recall { by, batch: b } => {
            if let Some(i) = batch(*b).and_then(|x| actor_index(&x.creator)) {
                *by = i;
            }
        }
        Op::Transform { by, inputs, .. } => {
            if let Some(i) = inputs
                .first()
                .and_then(|(b, _)| batch(*b))
                .and_then(|x| actor_index(&x.holder))
            {
                *by = i;
            }
            for (b, a) in inputs.iter_mut() {
                if let Some(x) = batch(*b) {
                    let left = u32::try_from(x.remaining.milli()).unwrap_or(u32::MAX);
                    // A clerk often uses the whole lot, which consumes it.
                    *a = if *a % 3 == 0 { left } else { (*a).min(left) };
                }
            }
        }
        _ => {}
    }
    op
}

/// The envelope for an op, and the key an accepted rotation installs.
fn envelope(
    s: &mut Signers,
    op: &Op,
    nonce: usize,
) -> (Envelope, Option<(&'static str, SigningKey)>) {
    let by = |i: &usize| ACTORS[*i];
    let n = nonce.to_string();
    let b = |i: &usize| lot(BATCHES[*i]);
    let c = |i: &usize| ContractId::parse(CONTRACTS[*i]).expect("id");
    let rice = |name: &str| builder::product(Category::Rice, name);
    let create = |st: StatementBuilder, batch: &usize, q: Quantity, name: &str| {
        st.batch_create(
            &b(batch),
            rice(name),
            q,
            builder::place("Mỹ Xuyên, Sóc Trăng"),
        )
    };
    let env = match op {
        Op::Create {
            by: i,
            batch,
            amount,
            unit,
        } => s.sign(by(i), &n, |st| {
            create(st, batch, qty(*amount, *unit), "Lúa ST25")
        }),
        Op::Ship {
            by: i,
            batch,
            to,
            contract,
        } => s.sign(by(i), &n, |st| {
            let ship = st.ship(&b(batch), &actor(ACTORS[*to]));
            match contract {
                Some(k) => ship.contract(&c(k)),
                None => ship,
            }
        }),
        Op::Receive {
            by: i,
            batch,
            accepted,
        } => s.sign(by(i), &n, |st| st.receive(&b(batch), *accepted)),
        Op::Transform {
            by: i,
            process,
            inputs,
            outputs,
        } => s.sign(by(i), &n, |st| {
            let inputs = inputs
                .iter()
                .map(|(x, a)| builder::input(&b(x), amount(*a)))
                .collect();
            let outputs = outputs
                .iter()
                .map(|(x, a, u)| builder::output(&b(x), rice("Gạo ST25"), qty(*a, *u)))
                .collect();
            st.transform(PROCESSES[*process], inputs, outputs)
        }),
        Op::Inspect { by: i, batch } => s.sign(by(i), &n, |st| {
            st.inspect(&b(batch), InspectResult::Pass, Scheme::VietGap)
        }),
        Op::Recall { by: i, batch } => s.sign(by(i), &n, |st| st.recall(&b(batch), "Kiểm tra")),
        Op::Offer {
            by: i,
            contract,
            coop,
            business,
        } => s.sign(by(i), &n, |st| {
            let period = (
                Day::parse("2026-01-01").expect("day"),
                Day::parse("2030-12-31").expect("day"),
            );
            let (coop, business) = (actor(ACTORS[*coop]), actor(ACTORS[*business]));
            st.contract_offer(&c(contract), &coop, &business, Category::Rice, period)
        }),
        Op::Accept { by: i, contract } => s.sign(by(i), &n, |st| st.contract_accept(&c(contract))),
        Op::Correct { by: i, index } => s.sign(by(i), &n, |st| st.correction(*index, "Ghi nhầm")),
        Op::Rotate { by: i } => {
            s.rotations += 1;
            let next = key(5000 + s.rotations);
            let env = s.sign(by(i), &n, |st| {
                st.rotate_key(PublicKey::from(next.verifying_key()))
            });
            return (env, Some((by(i), next)));
        }
        Op::Revoke { id } => s.sign(REGISTRAR, &n, |st| {
            st.revoke(&actor(ACTORS[*id]), "Ngừng hoạt động")
        }),
        Op::Forged { by: i, batch } => {
            let other = ACTORS[(*i + 1) % ACTORS.len()];
            let lot = qty(1000, 0);
            s.draft(by(i), &n, |st| create(st, batch, lot, "X"))
                .sign(&s.keys[other])
        }
        // The escape hatch: an amount no typed value can hold.
        Op::BadAmount { by: i, batch } => s.sign(by(i), &n, |st| {
            create(st, batch, qty(1000, 0), "X")
                .field("quantity", json!({"amount": "0", "unit": "kg"}))
        }),
    };
    (env, None)
}

/// Checks the invariants on the live views: what remains is never more than
/// the batch was made with and equals it minus what transformations used;
/// a used-up batch has nothing left; every batch is held by exactly one
/// actor, the one its record names.
fn check_invariants(ledger: &Ledger) {
    let mut held: HashMap<BatchId, Vec<ActorId>> = HashMap::new();
    for a in ACTORS {
        let id = ActorId::parse(a).expect("id");
        // Every actor of the case is registered (the registrar by the
        // genesis), so an error here fails the case.
        let (batches, more) = ledger
            .held(&id)
            .unwrap_or_else(|e| panic!("batches held by {a}: {e}"));
        assert!(!more, "{a}: a few batches never fill a page");
        for b in batches {
            held.entry(b).or_default().push(id.clone());
        }
    }
    // Each transformation's inputs are listed on every one of its outputs;
    // count them once per transformation (its leaf index).
    let mut uses: HashMap<(BatchId, u64), u64> = HashMap::new();
    let mut records = Vec::new();
    for b in BATCHES {
        let id = BatchId::parse(b).expect("id");
        match ledger.batch(&id) {
            Ok(r) => {
                let made_at = r.batch.steps.first().map_or(0, |s| s.index);
                for input in &r.batch.inputs {
                    uses.insert(
                        (input.batch.clone(), made_at),
                        input.quantity.amount.milli(),
                    );
                }
                records.push(r.batch);
            }
            Err(ServiceError::Refused(_)) => {
                assert!(!held.contains_key(&id), "{b} is held but does not exist");
            }
            Err(e) => panic!("reading {b}: {e}"),
        }
    }
    let mut used: HashMap<BatchId, u64> = HashMap::new();
    for ((b, _), amount) in uses {
        *used.entry(b).or_default() += amount;
    }
    for b in &records {
        let q = b.quantity.amount.milli();
        let left = b.remaining.milli();
        assert!(left <= q, "{}: {left} left of {q}", b.id);
        assert_eq!(
            q - left,
            used.get(&b.id).copied().unwrap_or(0),
            "{}: used",
            b.id
        );
        assert_eq!(
            left == 0,
            b.custody == Custody::Consumed,
            "{}: used up exactly when nothing is left",
            b.id
        );
        assert_eq!(
            held.get(&b.id),
            Some(&vec![b.holder.clone()]),
            "{}: holders",
            b.id
        );
    }
    check_custody(ledger, &records);
}

/// The custody indexes as they must be, worked out here from the batch and
/// contract records alone: in hand (`u`), the batches an actor holds that
/// are not consumed; incoming (`t`), the batches in transit to it with
/// their shipment leaf; shipped (`s`), every `batch.ship` step it signed,
/// with the outcome the next `batch.receive` step of that batch gave;
/// parties (`p`), the contracts naming it.
#[derive(Default)]
struct CustodyModel {
    in_hand: BTreeMap<String, Vec<String>>,
    incoming: BTreeMap<String, Vec<(String, u64)>>,
    shipped: BTreeMap<String, Vec<Shipment>>,
    parties: BTreeMap<String, Vec<String>>,
}

/// A value in a custody keyspace.
#[derive(Debug, PartialEq)]
enum Indexed {
    Empty,
    Leaf(u64),
    Shipment(Shipment),
    /// Anything else (a wrong value).
    Other(Vec<u8>),
}

/// `prefix ‖ owner ‖ 0x00 ‖ rest`: a custody key.
fn custody_key(prefix: u8, owner: &str, rest: &[u8]) -> Vec<u8> {
    let mut k = vec![prefix];
    k.extend_from_slice(owner.as_bytes());
    k.push(0);
    k.extend_from_slice(rest);
    k
}

impl CustodyModel {
    fn new(ledger: &Ledger, batches: &[Batch]) -> Self {
        let mut m = Self::default();
        for b in batches {
            let id = b.id.to_string();
            if b.custody != Custody::Consumed {
                m.in_hand
                    .entry(b.holder.to_string())
                    .or_default()
                    .push(id.clone());
            }
            if let Custody::InTransit { to, index, .. } = &b.custody {
                m.incoming
                    .entry(to.to_string())
                    .or_default()
                    .push((id.clone(), *index));
            }
            for (i, step) in b.steps.iter().enumerate() {
                let Some(to) = step
                    .to
                    .as_ref()
                    .filter(|_| step.kind == StatementType::Ship)
                else {
                    continue;
                };
                let outcome = match b.steps[i + 1..]
                    .iter()
                    .find(|s| s.kind == StatementType::Receive)
                    .and_then(|s| s.accepted)
                {
                    None => ShipOutcome::InTransit,
                    Some(true) => ShipOutcome::Accepted,
                    Some(false) => ShipOutcome::Refused,
                };
                m.shipped
                    .entry(step.by.to_string())
                    .or_default()
                    .push(Shipment {
                        index: step.index,
                        batch: b.id.clone(),
                        from: step.by.clone(),
                        to: to.clone(),
                        at: step.at.clone(),
                        outcome,
                    });
            }
        }
        for c in CONTRACTS {
            // A contract never offered is unknown; any other error fails
            // the case.
            let c = match ledger.contract(&ContractId::parse(c).expect("id")) {
                Ok((c, _)) => c,
                Err(ServiceError::Refused(r)) if r.code == Code::UnknownContract => continue,
                Err(e) => panic!("reading contract {c}: {e}"),
            };
            for party in [&c.cooperative, &c.business] {
                m.parties
                    .entry(party.to_string())
                    .or_default()
                    .push(c.id.to_string());
            }
        }
        for list in m.in_hand.values_mut().chain(m.parties.values_mut()) {
            list.sort();
        }
        for list in m.incoming.values_mut() {
            list.sort();
        }
        for list in m.shipped.values_mut() {
            list.sort_by_key(|s| std::cmp::Reverse(s.index));
        }
        m
    }

    /// Every key and value the custody keyspaces must hold.
    fn keyspaces(&self) -> BTreeMap<Vec<u8>, Indexed> {
        let mut want = BTreeMap::new();
        for (owner, ids) in &self.in_hand {
            for b in ids {
                want.insert(custody_key(b'u', owner, b.as_bytes()), Indexed::Empty);
            }
        }
        for (owner, open) in &self.incoming {
            for (b, index) in open {
                want.insert(
                    custody_key(b't', owner, b.as_bytes()),
                    Indexed::Leaf(*index),
                );
            }
        }
        for (owner, sent) in &self.shipped {
            for s in sent {
                let k = custody_key(b's', owner, &s.index.to_be_bytes());
                want.insert(k, Indexed::Shipment(s.clone()));
            }
        }
        for (owner, ids) in &self.parties {
            for c in ids {
                want.insert(custody_key(b'p', owner, c.as_bytes()), Indexed::Empty);
            }
        }
        want
    }
}

/// The log replayed through the rules into a [`MemState`], as the audit
/// does.
fn replayed(ledger: &Ledger) -> MemState {
    let mut state = MemState::default();
    for (index, bytes) in ledger.entries(0, ledger.size()).expect("entries") {
        let leaf = Leaf::parse(&bytes).expect("leaf");
        let st = statement::parse(&leaf.statement).expect("statement");
        let ctx = Context {
            index,
            logged_at: leaf.logged_at().expect("logged_at"),
        };
        let changes = rules::apply(&state, &ctx, &leaf.envelope(), &st).expect("accepted again");
        state.write(&changes);
    }
    state
}

/// Checks the in-memory state's custody indexes against [`CustodyModel`].
fn check_memory_custody(state: &MemState, model: &CustodyModel) {
    fn lists<V, T>(
        index: &HashMap<ActorId, V>,
        items: impl Fn(&V) -> Vec<T>,
    ) -> BTreeMap<String, Vec<T>> {
        index
            .iter()
            .map(|(owner, v)| (owner.to_string(), items(v)))
            .collect()
    }
    fn names<T: ToString>(set: &BTreeSet<T>) -> Vec<String> {
        set.iter().map(ToString::to_string).collect()
    }
    assert_eq!(
        lists(&state.in_hand, names),
        model.in_hand,
        "in memory: in hand"
    );
    assert_eq!(
        lists(&state.parties, names),
        model.parties,
        "in memory: contracts"
    );
    let open = |m: &BTreeMap<BatchId, u64>| {
        m.iter()
            .map(|(b, i)| (b.to_string(), *i))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        lists(&state.incoming, open),
        model.incoming,
        "in memory: incoming"
    );
    let sent = |m: &BTreeMap<u64, Shipment>| m.values().rev().cloned().collect::<Vec<_>>();
    assert_eq!(
        lists(&state.shipped, sent),
        model.shipped,
        "in memory: shipped"
    );
}

/// Checks the custody keyspaces, as stored, the in-memory state replayed
/// from the log, and each actor's custody view against [`CustodyModel`].
fn check_custody(ledger: &Ledger, batches: &[Batch]) {
    let model = CustodyModel::new(ledger, batches);
    check_memory_custody(&replayed(ledger), &model);
    let stored: BTreeMap<Vec<u8>, Indexed> = ledger
        .dump_views()
        .expect("dump")
        .into_iter()
        .filter_map(|(k, v)| {
            let value = match (k.first()?, v.as_slice()) {
                (b'u' | b'p', []) => Indexed::Empty,
                (b't', &[a, b, c, d, e, f, g, h]) => {
                    Indexed::Leaf(u64::from_be_bytes([a, b, c, d, e, f, g, h]))
                }
                (b's', v) => serde_json::from_slice(v)
                    .map_or_else(|_| Indexed::Other(v.to_vec()), Indexed::Shipment),
                (b'u' | b't' | b'p', v) => Indexed::Other(v.to_vec()),
                _ => return None,
            };
            Some((k, value))
        })
        .collect();
    assert_eq!(stored, model.keyspaces(), "the custody keyspaces as stored");
    check_custody_answers(ledger, &model);
}

/// Checks each actor's `Ledger::custody` answer against the model.
fn check_custody_answers(ledger: &Ledger, model: &CustodyModel) {
    for a in ACTORS {
        let id = ActorId::parse(a).expect("id");
        let view = match ledger.custody(&id) {
            Ok(v) => v,
            Err(ServiceError::Refused(_)) => {
                assert!(
                    !model.in_hand.contains_key(*a),
                    "{a} holds batches but is unknown"
                );
                continue;
            }
            Err(e) => panic!("custody of {a}: {e}"),
        };
        assert!(!view.truncated, "{a}: a few batches never fill a page");
        let list = |m: &BTreeMap<String, Vec<String>>| m.get(*a).cloned().unwrap_or_default();
        let got: Vec<String> = view.holding.iter().map(|b| b.id.to_string()).collect();
        assert_eq!(got, list(&model.in_hand), "{a}: in hand");
        let got: Vec<(String, u64)> = view
            .incoming
            .iter()
            .map(|i| (i.batch.id.to_string(), i.index))
            .collect();
        assert_eq!(
            got,
            model.incoming.get(*a).cloned().unwrap_or_default(),
            "{a}: incoming"
        );
        assert_eq!(
            view.shipped,
            model.shipped.get(*a).cloned().unwrap_or_default(),
            "{a}: shipped, newest first"
        );
        let got: Vec<String> = view.contracts.iter().map(|c| c.id.to_string()).collect();
        assert_eq!(got, list(&model.parties), "{a}: contracts");
    }
}

fn run_case(ops: &[(Op, bool)]) {
    let dir = tempfile::tempdir().expect("tempdir");
    init_ledger(dir.path());
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let before = rt.block_on(async {
        let ledger = Ledger::open(dir.path(), OpenOptions::default()).expect("open");
        for (id, role, coop, n) in cast::ALL {
            let env = register(id, role, &key(*n), *coop);
            ledger
                .submit(&serde_json::to_vec(&env).expect("json"))
                .await
                .expect("register");
        }
        let mut signers = Signers::new();
        let mut accepted = 0usize;
        for (i, (op, honest)) in ops.iter().enumerate() {
            let op = if *honest {
                plausible(op, &ledger)
            } else {
                op.clone()
            };
            let (env, rotation) = envelope(&mut signers, &op, i);
            let size = ledger.size();
            match ledger
                .submit(&serde_json::to_vec(&env).expect("json"))
                .await
            {
                Ok(_) => {
                    accepted += 1;
                    if let Some((who, k)) = rotation {
                        signers.keys.insert(who, k);
                    }
                }
                Err(ServiceError::Refused(_)) => {
                    assert_eq!(ledger.size(), size, "a refusal appends nothing")
                }
                Err(e) => panic!("{op:?}: {e}"),
            }
        }
        if std::env::var_os("PROPS_VERBOSE").is_some() {
            eprintln!("{accepted} of {} accepted", ops.len());
        }
        check_invariants(&ledger);
        let views = ledger.dump_views().expect("dump");
        ledger.shutdown().await;
        views
    });
    Ledger::reindex(dir.path(), &mut |_| {}).expect("reindex");
    let after = rt.block_on(async {
        let ledger = Ledger::open(dir.path(), OpenOptions::default()).expect("reopen");
        check_invariants(&ledger);
        let views = ledger.dump_views().expect("dump");
        ledger.shutdown().await;
        views
    });
    assert_eq!(before.len(), after.len(), "same number of view keys");
    for (b, a) in before.iter().zip(&after) {
        assert_eq!(
            (String::from_utf8_lossy(&b.0), String::from_utf8_lossy(&b.1)),
            (String::from_utf8_lossy(&a.0), String::from_utf8_lossy(&a.1)),
            "the views after reindex equal the live views"
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Invariant: for any sequence of valid and invalid statements, a
    /// refusal appends nothing; the views built live equal, key for key,
    /// the views `reindex` rebuilds from the log; what remains of a batch
    /// is never negative or more than it was made with, and equals it minus
    /// what transformations used; every batch is held by exactly one actor.
    #[test]
    fn live_views_equal_rebuilt_views_and_quantities_and_custody_hold(ops in proptest::collection::vec((op(), proptest::bool::weighted(0.8)), 1..60)) {
        run_case(&ops);
    }
}
