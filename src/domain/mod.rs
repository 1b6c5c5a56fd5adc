//! The pure heart of the ledger: identifiers, keys, envelopes, leaves, the
//! Merkle tree, checkpoints, statements and their rules.
//!
//! Nothing here does I/O, reads a clock or draws randomness: callers pass the
//! time in, so the same input always gives the same answer (which is what lets
//! an auditor replay the log and reach the ledger's own decisions).

pub mod builder;
pub mod checkpoint;
pub mod cosignature;
pub mod envelope;
pub mod epcis;
pub mod hex32;
pub mod ids;
pub mod keys;
pub mod leaf;
pub mod lineage;
pub mod linkage;
pub mod merkle;
pub mod messages;
pub mod model;
pub mod places;
pub mod privacy;
pub mod product;
pub mod quantity;
pub mod rules;
pub mod statement;
pub mod tile_builder;
pub mod tiles;
pub mod time;
pub mod tlog_proof;
pub mod view;
pub mod witness;
pub mod witness_request;
