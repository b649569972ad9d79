//! `pwconform baseline --from results.json`: every case that did not pass, as a baseline file to
//! review, trim and commit.

use super::{BaselineArgs, Exit};
use crate::baseline::from_report;
use crate::result::RunReport;

pub fn baseline(args: &BaselineArgs) -> Exit {
    let text = match std::fs::read_to_string(&args.from) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: cannot read {}: {e}", args.from.display());
            return Exit::BadInput;
        }
    };
    let report: RunReport = match serde_json::from_str(&text) {
        Ok(r) => r,
        Err(e) => {
            eprintln!(
                "error: {}:{}:{}: not a pwconform results file ({e}); write one with `pwconform run --json FILE`",
                args.from.display(),
                e.line(),
                e.column()
            );
            return Exit::BadInput;
        }
    };
    let b = from_report(&report, &args.reason, args.expires.as_deref());
    let yaml = match serde_saphyr::to_string(&b) {
        Ok(y) => y,
        Err(e) => {
            eprintln!("error: {e}");
            return Exit::BadInput;
        }
    };
    let out = format!(
        "# Known deviations, written by `pwconform baseline --from {}`.\n\
         # Give each entry a real reason; a listed case that passes again fails the run.\n{yaml}",
        args.from.display()
    );
    match &args.output {
        Some(path) => {
            if let Err(e) = std::fs::write(path, out) {
                eprintln!("error: cannot write {}: {e}", path.display());
                return Exit::BadInput;
            }
            eprintln!(
                "{} known deviation(s) written to {}",
                b.known.len(),
                path.display()
            );
        }
        None => say_raw!("{out}"),
    }
    Exit::Pass
}
