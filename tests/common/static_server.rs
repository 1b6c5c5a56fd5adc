//! A static web server that is not ours, for tests of static tlog-tiles
//! copies (issue 14): Python's stock `http.server` over a directory, with
//! the content types tlog-tiles names (`tests/independent/serve_static.py`).

use std::io::BufRead as _;
use std::path::Path;
use std::process::{Command, Stdio};

/// Python's `http.server` over a directory (tests/independent/serve_static.py).
pub struct StaticServer {
    child: std::process::Child,
    /// `http://127.0.0.1:PORT`.
    pub url: String,
}

impl StaticServer {
    pub fn start(dir: &Path) -> Self {
        let script = format!(
            "{}/tests/independent/serve_static.py",
            env!("CARGO_MANIFEST_DIR")
        );
        let mut child = Command::new("python3")
            .arg("-u")
            .arg(script)
            .arg(dir)
            .env("PYTHONDONTWRITEBYTECODE", "1")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3 -m http.server");
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("read its first line");
        let port = line
            .split(" port ")
            .nth(1)
            .and_then(|r| r.split_whitespace().next())
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"));
        Self {
            child,
            url: format!("http://127.0.0.1:{port}"),
        }
    }
}

impl Drop for StaticServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
