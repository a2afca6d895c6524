//! Runs the emulator until Ctrl-C: `cargo run -p naga-mock --example serve -- 127.0.0.1:8089`.

use std::net::SocketAddr;

#[tokio::main(flavor = "current_thread")]
async fn main() -> std::io::Result<()> {
    let addr: SocketAddr = match std::env::args().nth(1) {
        Some(arg) => arg.parse().map_err(std::io::Error::other)?,
        None => SocketAddr::from(([127, 0, 0, 1], 8089)),
    };
    eprintln!("naga-mock listening on http://{addr}/v1 (Ctrl-C to stop)");
    naga_mock::MockServer::builder().run_until_ctrl_c(addr).await
}
