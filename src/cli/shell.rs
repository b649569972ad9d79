//! `pwconform completions SHELL` and `pwconform man`: generated from the same clap definition the
//! binary parses with, so they cannot drift from the real flags.

use std::io::Write as _;

use clap::CommandFactory;
use clap_complete::Shell;

use super::{Cli, Exit};

pub fn completions(shell: Shell) -> Exit {
    let mut command = Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut command, "pwconform", &mut out);
    print_bytes(&out)
}

/// One roff page: the main command, then a section per subcommand.
pub fn man() -> Exit {
    let command = Cli::command();
    let mut out = Vec::new();
    if let Err(e) = clap_mangen::Man::new(command.clone()).render(&mut out) {
        eprintln!("error: cannot render the man page: {e}");
        return Exit::BadInput;
    }
    for sub in command.get_subcommands().filter(|s| s.get_name() != "help") {
        let name = format!("pwconform {}", sub.get_name());
        let sub = sub.clone().bin_name(name.clone());
        let man = clap_mangen::Man::new(sub);
        let _ = writeln!(out, ".SH \"{}\"", name.to_uppercase());
        // The subcommand's own synopsis, description and options, without a second title.
        let sections: [Section; 3] = [
            clap_mangen::Man::render_synopsis_section,
            clap_mangen::Man::render_description_section,
            clap_mangen::Man::render_options_section,
        ];
        for render in sections {
            if let Err(e) = render(&man, &mut out) {
                eprintln!("error: cannot render the man page: {e}");
                return Exit::BadInput;
            }
        }
    }
    print_bytes(&out)
}

type Section = fn(&clap_mangen::Man, &mut dyn std::io::Write) -> std::io::Result<()>;

fn print_bytes(bytes: &[u8]) -> Exit {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Ok(()) => Exit::Pass,
        // A closed pipe (`pwconform man | head`) is not worth a message.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Exit::Pass,
        Err(e) => {
            eprintln!("error: cannot write to standard output: {e}");
            Exit::BadInput
        }
    }
}
