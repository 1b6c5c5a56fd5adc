//! coop-ledger: a value-chain traceability ledger for Vietnamese cooperatives.
//!
//! Every step of a product's journey (member household → cooperative →
//! business) is a statement signed with Ed25519 and appended to an
//! append-only RFC 6962 Merkle log. The crate is layered in one direction:
//!
//! * [`domain`]: pure formats and rules (no I/O, no clock, no randomness).
//! * [`store`]: the append-only leaf file and the sled views; the only place
//!   sled appears.
//! * [`service`]: the use cases shared by HTTP and the CLI (sequencer, audit).
//! * [`http`] and [`cli`]: thin front ends; `cli` runs the server through
//!   [`http::router`] and [`http::serve`].
//!
//! `docs/spec.md` is the contract: every format, rule, limit, error code and
//! the HTTP and CLI surface, with its own version. The code cites its
//! sections as `spec §N`. `docs/ARCHITECTURE.md` is the map: the layers, the
//! path of a submission and of a page read, where each kind of change goes,
//! and the invariants. Each module's own doc holds its detail.
#![forbid(unsafe_code)]
// Every public item has its `///` doc, every module its `//!` doc.
#![deny(missing_docs)]
// Rules held by the compiler, not by discipline (issue 12): no unwrap,
// expect or panic outside tests. Bad input is answered with an error.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

pub mod cli;
pub mod domain;
pub mod http;
pub mod service;
pub mod store;
