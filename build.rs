// The specs and cases are embedded in the binary (src/assets.rs); rebuild when they change.
fn main() {
    println!("cargo:rerun-if-changed=specs");
    println!("cargo:rerun-if-changed=cases");
}
