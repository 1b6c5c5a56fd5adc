//! The `coop-ledger` binary: everything is in the library's `cli` module.
#![forbid(unsafe_code)]

fn main() -> std::process::ExitCode {
    coop_ledger::cli::main()
}
