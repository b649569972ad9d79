fn main() -> std::process::ExitCode {
    pwconform::cli::main()
}
