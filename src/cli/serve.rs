//! `pwconform serve DIALECT`: the reference server alone, to explore with curl.

use std::net::{Ipv4Addr, SocketAddr};

use super::{Exit, ServeArgs};
use crate::reference::{self, known_faults};

pub async fn serve(args: ServeArgs) -> Exit {
    if args.faults.iter().any(|f| f == "list") {
        return match known_faults(&args.dialect) {
            Ok(list) => {
                for f in list {
                    say!("{:<36} {}", f.name, f.description);
                }
                Exit::Pass
            }
            Err(e) => {
                eprintln!("error: {e}");
                Exit::BadInput
            }
        };
    }
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, args.port));
    let latency = std::time::Duration::from_millis(args.latency);
    let started = reference::start_with_latency(&args.dialect, addr, &args.faults, latency).await;
    let server = match started {
        Ok(s) => s,
        Err(e @ reference::ReferenceError::Bind { .. }) => {
            eprintln!("error: {e} (try another --port, or --port 0 for a free one)");
            return Exit::Unreachable;
        }
        Err(e) => {
            eprintln!("error: {e}");
            return Exit::BadInput;
        }
    };
    say!("{} reference server on {}", args.dialect, server.base_url);
    if !args.faults.is_empty() {
        say!("faults: {}", args.faults.join(", "));
    }
    if args.latency > 0 {
        say!("every answer held back {} ms", args.latency);
    }
    say!("\n{:<20} {:<24} {:<26} id", "role", "username", "password");
    for a in &server.accounts {
        say!(
            "{:<20} {:<24} {:<26} {}",
            a.role,
            a.username,
            a.password,
            a.id
        );
    }
    if let Some(path) = &args.write_accounts {
        let text = accounts_yaml(&args.dialect, &server.base_url, &server.accounts);
        if let Err(e) = std::fs::write(path, text) {
            eprintln!("error: cannot write {}: {e}", path.display());
            return Exit::BadInput;
        }
        say!("\naccounts file: {}", path.display());
    }
    say!("\nThese are throwaway accounts of an in-memory server; Ctrl-C stops it.");
    let _ = tokio::signal::ctrl_c().await;
    server.shutdown().await;
    Exit::Pass
}

/// An accounts file for this server, in the format `pwconform run --accounts` reads.
fn accounts_yaml(dialect: &str, base_url: &str, accounts: &[reference::SeedAccount]) -> String {
    let mut out = format!(
        "# yaml-language-server: $schema=specs/accounts.schema.json\n\
         # Written by `pwconform serve {dialect}`: throwaway accounts of an in-memory server.\n\
         dialect: {dialect}\nbase_url: {base_url}\naccounts:\n"
    );
    let mut role = "";
    for a in accounts {
        if a.role != role {
            role = &a.role;
            out.push_str(&format!("  {role}:\n"));
        }
        // Traits too: an account with one is kept for the cases that require it.
        let traits = if a.traits.is_empty() {
            String::new()
        } else {
            format!(", traits: [{}]", a.traits.join(", "))
        };
        out.push_str(&format!(
            "    - {{username: {}, password: {}, id: {}{traits}}}\n",
            serde_json::Value::String(a.username.clone()),
            serde_json::Value::String(a.password.clone()),
            a.id
        ));
    }
    out
}
