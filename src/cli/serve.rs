//! `pwconform serve DIALECT`: the reference server alone, to explore with curl.

use std::net::{Ipv4Addr, SocketAddr};

use super::{Exit, ServeArgs};
use crate::reference::{self, known_faults};

pub async fn serve(args: ServeArgs) -> Exit {
    if args.faults.iter().any(|f| f == "list") {
        return match known_faults(&args.dialect) {
            Ok(list) => {
                for f in list {
                    println!("{:<36} {}", f.name, f.description);
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
    let server = match reference::start(&args.dialect, addr, &args.faults).await {
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
    println!("{} reference server on {}", args.dialect, server.base_url);
    if !args.faults.is_empty() {
        println!("faults: {}", args.faults.join(", "));
    }
    println!("\n{:<20} {:<24} {:<26} id", "role", "username", "password");
    for a in &server.accounts {
        println!("{:<20} {:<24} {:<26} {}", a.role, a.username, a.password, a.id);
    }
    println!("\nThese are throwaway accounts of an in-memory server; Ctrl-C stops it.");
    let _ = tokio::signal::ctrl_c().await;
    server.shutdown().await;
    Exit::Pass
}
