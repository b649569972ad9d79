//! Exchanges as plain text, curl-like, for formats that hold text only (JUnit's `system-out`).

use super::format_duration;
use crate::result::Exchange;

/// Exchanges in a curl-like form: `>` request lines, `<` response lines, bodies as sent.
pub fn render_exchanges(exchanges: &[Exchange]) -> String {
    let mut out = String::new();
    for (i, exchange) in exchanges.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        render_exchange(&mut out, exchange);
    }
    out
}

fn render_exchange(out: &mut String, exchange: &Exchange) {
    let request = &exchange.request;
    let header = format!(
        "=== {} ({})",
        exchange.purpose,
        format_duration(exchange.duration_ms)
    );
    push_line(out, &header);
    push_line(out, &format!("> {} {}", request.method, request.url));
    push_headers(out, '>', &request.headers);
    if let Some(body) = &request.body {
        push_line(out, body);
    }
    if let Some(response) = &exchange.response {
        push_line(out, &format!("< {}", response.status));
        push_headers(out, '<', &response.headers);
        push_line(out, &response.body);
        if response.truncated {
            push_line(out, "[body truncated]");
        }
        if response.invalid_utf8 {
            push_line(out, "[body is not valid UTF-8; bad bytes shown as U+FFFD]");
        }
    }
    if let Some(error) = &exchange.error {
        push_line(out, &format!("! {error}"));
    }
}

fn push_headers(out: &mut String, prefix: char, headers: &[(String, String)]) {
    for (name, value) in headers {
        push_line(out, &format!("{prefix} {name}: {value}"));
    }
    push_line(out, &prefix.to_string());
}

fn push_line(out: &mut String, line: &str) {
    out.push_str(line);
    out.push('\n');
}
