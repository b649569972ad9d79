//! Standard output for the commands. `println!` panics when the reader has gone away
//! (`pwconform restore ... | head`); a command must instead finish its work (a restore above all)
//! and exit as it would have, so a write that fails is dropped.

/// `println!` that never panics.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

/// `print!` that never panics.
macro_rules! say_raw {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stdout(), $($arg)*);
    }};
}
