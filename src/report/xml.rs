//! A small streaming XML writer for the JUnit report: elements go straight to the output as they
//! are written, so a 10,000-case report is never held as a tree. Indents as quick-xml does (four
//! spaces a level, text inline), escapes as it does (`& < > ' "`), and drops the characters XML
//! 1.0 forbids, as quick-junit's `XmlString` does (a server's answer may hold any byte).

use std::io::{self, Write};

pub struct XmlWriter<'w> {
    out: &'w mut dyn Write,
    depth: usize,
    /// A new element starts on its own line, except right after text.
    line_break: bool,
}

impl<'w> XmlWriter<'w> {
    /// Writes the XML declaration.
    pub fn new(out: &'w mut dyn Write) -> io::Result<Self> {
        out.write_all(br#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
        Ok(Self {
            out,
            depth: 0,
            line_break: true,
        })
    }

    /// `<tag a="v"...>`; children follow until [`Self::end`].
    pub fn start(&mut self, tag: &str, attrs: &[(&str, &str)]) -> io::Result<()> {
        self.open(tag, attrs, b">")?;
        self.depth += 1;
        self.line_break = true;
        Ok(())
    }

    /// `<tag a="v".../>`.
    pub fn empty(&mut self, tag: &str, attrs: &[(&str, &str)]) -> io::Result<()> {
        self.open(tag, attrs, b"/>")?;
        self.line_break = true;
        Ok(())
    }

    /// `</tag>`, on its own line unless it closes text.
    pub fn end(&mut self, tag: &str) -> io::Result<()> {
        self.depth = self.depth.saturating_sub(1);
        self.indent()?;
        write!(self.out, "</{tag}>")?;
        self.line_break = true;
        Ok(())
    }

    /// `<tag a="v"...>text</tag>`.
    pub fn text_element(
        &mut self,
        tag: &str,
        attrs: &[(&str, &str)],
        text: &str,
    ) -> io::Result<()> {
        self.start(tag, attrs)?;
        escape_into(self.out, text)?;
        self.line_break = false;
        self.end(tag)
    }

    /// The final newline.
    pub fn finish(self) -> io::Result<()> {
        self.out.write_all(b"\n")
    }

    fn open(&mut self, tag: &str, attrs: &[(&str, &str)], close: &[u8]) -> io::Result<()> {
        self.indent()?;
        write!(self.out, "<{tag}")?;
        for (name, value) in attrs {
            write!(self.out, " {name}=\"")?;
            escape_into(self.out, value)?;
            self.out.write_all(b"\"")?;
        }
        self.out.write_all(close)
    }

    fn indent(&mut self) -> io::Result<()> {
        if self.line_break {
            self.out.write_all(b"\n")?;
            for _ in 0..self.depth {
                self.out.write_all(b"    ")?;
            }
        }
        Ok(())
    }
}

/// Escapes `text` for element content and quoted attributes. A control character XML 1.0 cannot
/// hold becomes U+FFFD, as on the terminal: dropped, a server's colour code left a bare `[31m`
/// that looked like text the server sent.
fn escape_into(out: &mut dyn Write, text: &str) -> io::Result<()> {
    let mut plain = 0;
    for (at, c) in text.char_indices() {
        let replacement = match c {
            '&' => "&amp;",
            '<' => "&lt;",
            '>' => "&gt;",
            '\'' => "&apos;",
            '"' => "&quot;",
            '\x00'..='\x08' | '\x0b' | '\x0c' | '\x0e'..='\x1f' => "\u{fffd}",
            _ => continue,
        };
        out.write_all(text.as_bytes().get(plain..at).unwrap_or_default())?;
        out.write_all(replacement.as_bytes())?;
        plain = at + c.len_utf8();
    }
    out.write_all(text.as_bytes().get(plain..).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_replaces_what_xml_cannot_hold() {
        let mut out = Vec::new();
        escape_into(&mut out, "a<b>&'\"\x1b[1mé\x00\n\t").unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "a&lt;b&gt;&amp;&apos;&quot;\u{fffd}[1mé\u{fffd}\n\t"
        );
    }

    #[test]
    fn nests_with_indent_and_keeps_text_inline() {
        let mut out = Vec::new();
        let mut xml = XmlWriter::new(&mut out).unwrap();
        xml.start("a", &[("n", "1")]).unwrap();
        xml.empty("b", &[]).unwrap();
        xml.text_element("c", &[], "x\ny").unwrap();
        xml.end("a").unwrap();
        xml.finish().unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<a n=\"1\">\n    <b/>\n    \
             <c>x\ny</c>\n</a>\n"
        );
    }
}
