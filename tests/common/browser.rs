//! A real headless Chromium (Debian `chromium`), driven through
//! `chromedriver` with the fantoccini WebDriver client, on a 360-pixel-wide
//! phone viewport; each session has its own profile (its own storage, as a
//! separate phone would).

use fantoccini::{Client, ClientBuilder};
use serde_json::{Value, json};
use std::io::BufRead as _;

/// A chromedriver child process, stopped on drop.
pub struct Driver {
    child: std::process::Child,
    url: String,
}

impl Driver {
    /// Starts chromedriver on a free port.
    pub fn start() -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("free port")
            .port();
        let mut child = std::process::Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("chromedriver (Debian chromium-driver) must be installed; .ci/run installs it");
        let mut out = std::io::BufReader::new(child.stdout.take().expect("stdout"));
        let mut line = String::new();
        while !line.contains("started successfully") {
            line.clear();
            assert!(
                out.read_line(&mut line).expect("read") > 0,
                "chromedriver exited"
            );
        }
        Self {
            child,
            url: format!("http://127.0.0.1:{port}"),
        }
    }

    /// A headless Chromium session with a phone-sized viewport, on a phone
    /// set to Vietnamese.
    pub async fn browser(&self, profile: &std::path::Path) -> Client {
        self.browser_in(profile, "vi-VN,vi").await
    }

    /// A headless Chromium session on a phone whose language is
    /// `languages` (`en-US,en`): its interface locale and the languages it
    /// asks pages for.
    #[allow(dead_code)]
    pub async fn browser_in(&self, profile: &std::path::Path, languages: &str) -> Client {
        let locale = languages.split(',').next().unwrap_or(languages);
        let caps = json!({
            "goog:chromeOptions": {
                "binary": "/usr/bin/chromium",
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--no-first-run", "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--disable-quic",
                    format!("--user-data-dir={}", profile.display()),
                    format!("--lang={locale}"),
                ],
                "mobileEmulation": {"deviceMetrics": {"width": 360, "height": 780, "pixelRatio": 2.0}},
                "prefs": {"intl.accept_languages": languages},
            }
        });
        let Value::Object(caps) = caps else {
            unreachable!()
        };
        // reqwest brings rustls with ring, fantoccini with aws-lc-rs; the
        // process picks one once.
        let _ = rustls::crypto::ring::default_provider().install_default();
        ClientBuilder::rustls()
            .expect("tls")
            .capabilities(caps)
            .connect(&self.url)
            .await
            .expect("a Chromium session")
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Saves a screenshot of what the browser shows under `target/screenshots/`.
pub async fn screenshot(c: &Client, name: &str) {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("../screenshots");
    std::fs::create_dir_all(&dir).expect("screenshots dir");
    std::fs::write(dir.join(name), c.screenshot().await.expect("screenshot")).expect("save");
}
