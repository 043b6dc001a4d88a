//! Rebuilds the binary when a model file changes: the default model is
//! embedded with `include_dir!`, which cargo does not track by itself.

fn main() {
    println!("cargo:rerun-if-changed=models");
}
