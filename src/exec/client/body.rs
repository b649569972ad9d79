//! Reading an answer's body as the server sent it: at most `max_body` bytes, never decompressed,
//! and never silently "repaired" — a body cut short, not UTF-8, or compressed although nobody
//! asked is recorded as such, so a check can say why it fails.

use crate::result::ResponseRecord;

/// The first `max_body` bytes of the body, and whether there were more.
pub async fn read_capped(
    response: &mut reqwest::Response,
    max_body: usize,
) -> Result<(Vec<u8>, bool), reqwest::Error> {
    let mut bytes = Vec::new();
    while let Some(chunk) = response.chunk().await? {
        let room = max_body.saturating_sub(bytes.len());
        if chunk.len() > room {
            // Stop reading here: a body that never ends must not hold the run. Dropping the
            // response closes the connection, so nothing unread is left on a pooled one.
            bytes.extend_from_slice(chunk.get(..room).unwrap_or_default());
            return Ok((bytes, true));
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok((bytes, false))
}

/// The record of an answer. The text is lossy for display, and `invalid_utf8` says it was.
pub fn record(
    status: u16,
    headers: Vec<(String, String)>,
    bytes: Vec<u8>,
    truncated: bool,
) -> ResponseRecord {
    let (body, invalid_utf8) = match String::from_utf8(bytes) {
        Ok(text) => (text, false),
        Err(e) => {
            // A cut can split a character; that is the cut's fault, already reported.
            let only_cut_char = truncated && e.utf8_error().error_len().is_none();
            let bytes = e.into_bytes();
            (String::from_utf8_lossy(&bytes).into_owned(), !only_cut_char)
        }
    };
    ResponseRecord {
        status,
        headers,
        body,
        truncated,
        invalid_utf8,
    }
}

/// What is wrong with an answer's transport form, one sentence each, for the case's reasons:
/// a compressed body nobody asked for, a body cut at `--max-body`, a body that is not UTF-8, and
/// a redirect (never followed: where it points helps explain the status check).
pub fn notes(r: &ResponseRecord) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(encoding) = r.header("content-encoding") {
        for coding in encoding.split(',').map(str::trim) {
            if coding.is_empty() || coding.eq_ignore_ascii_case("identity") {
                continue;
            }
            out.push(format!(
                "body is {}-encoded although not requested; shown undecoded",
                coding_name(coding)
            ));
        }
    }
    if r.truncated {
        out.push("body cut at the --max-body limit; the rest was not read".to_string());
    }
    if r.invalid_utf8 {
        out.push("body is not valid UTF-8 (shown with U+FFFD for the bad bytes)".to_string());
    }
    if (300..400).contains(&r.status) {
        out.push(match r.header("location") {
            Some(to) => format!("redirect to {to}, not followed"),
            None => format!("{} without a Location header", r.status),
        });
    }
    out
}

/// The usual name of a content coding (`br` is brotli).
fn coding_name(coding: &str) -> String {
    match coding.to_ascii_lowercase().as_str() {
        "gzip" | "x-gzip" => "gzip".into(),
        "br" => "brotli".into(),
        "zstd" => "zstd".into(),
        "deflate" => "deflate".into(),
        "compress" | "x-compress" => "compress".into(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(status: u16, headers: &[(&str, &str)], bytes: &[u8], cut: bool) -> ResponseRecord {
        let headers = headers
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        record(status, headers, bytes.to_vec(), cut)
    }

    #[test]
    fn utf8_is_checked_not_repaired() {
        let r = response(200, &[], b"{\"a\":\"\xff\"}", false);
        assert!(r.invalid_utf8);
        assert_eq!(r.body, "{\"a\":\"\u{fffd}\"}");
        // "é" cut in half by --max-body is not the server's fault.
        let r = response(200, &[], "caf\u{e9}".as_bytes()[..4].as_ref(), true);
        assert!(!r.invalid_utf8);
        let r = response(200, &[], b"ok", false);
        assert!(!r.invalid_utf8 && r.body == "ok");
    }

    #[test]
    fn notes_name_each_problem() {
        let gz = response(200, &[("Content-Encoding", "gzip")], b"\x1f\x8b", false);
        assert_eq!(
            notes(&gz),
            [
                "body is gzip-encoded although not requested; shown undecoded",
                "body is not valid UTF-8 (shown with U+FFFD for the bad bytes)"
            ]
        );
        let br = response(200, &[("content-encoding", "br")], b"x", false);
        assert_eq!(
            notes(&br),
            ["body is brotli-encoded although not requested; shown undecoded"]
        );
        let plain = response(200, &[("content-encoding", "identity")], b"{}", false);
        assert!(notes(&plain).is_empty());
        let moved = response(302, &[("location", "/login")], b"", false);
        assert_eq!(notes(&moved), ["redirect to /login, not followed"]);
        let cut = response(200, &[], b"aaaa", true);
        assert_eq!(
            notes(&cut),
            ["body cut at the --max-body limit; the rest was not read"]
        );
    }
}
