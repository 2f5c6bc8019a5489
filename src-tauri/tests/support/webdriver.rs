//! A small W3C WebDriver client (the subset the end-to-end tests use), over tauri-driver.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

pub struct Session {
    base: String,
    id: String,
}

#[derive(Clone, Debug)]
pub struct Element(String);

fn call(method: &str, url: &str, body: Option<Value>) -> Result<Value, String> {
    let request = ureq::request(method, url).timeout(Duration::from_secs(60));
    let response = match body {
        Some(b) => request.send_json(b),
        None => request.call(),
    };
    let value: Value = match response {
        Ok(r) => r.into_json().map_err(|e| e.to_string())?,
        Err(ureq::Error::Status(code, r)) => {
            let text = r.into_string().unwrap_or_default();
            return Err(format!("{method} {url}: HTTP {code}: {text}"));
        }
        Err(e) => return Err(format!("{method} {url}: {e}")),
    };
    Ok(value.get("value").cloned().unwrap_or(Value::Null))
}

impl Session {
    /// Starts the app at `application` through the driver at `base` (`http://127.0.0.1:4444`).
    pub fn start(base: &str, application: &str) -> Result<Self, String> {
        let caps = json!({"capabilities": {"alwaysMatch": {
            "tauri:options": {"application": application},
            "webkitgtk:browserOptions": {"args": []}
        }}});
        let value = call("POST", &format!("{base}/session"), Some(caps))?;
        let id = value["sessionId"]
            .as_str()
            .ok_or_else(|| format!("no session id in {value}"))?
            .to_owned();
        Ok(Self {
            base: base.to_owned(),
            id,
        })
    }

    fn url(&self, path: &str) -> String {
        format!("{}/session/{}{path}", self.base, self.id)
    }

    pub fn find_all(&self, css: &str) -> Vec<Element> {
        call(
            "POST",
            &self.url("/elements"),
            Some(json!({"using": "css selector", "value": css})),
        )
        .ok()
        .and_then(|v| v.as_array().cloned())
        .unwrap_or_default()
        .into_iter()
        .filter_map(|e| e[ELEMENT_KEY].as_str().map(|s| Element(s.to_owned())))
        .collect()
    }

    /// Waits (up to `secs`) for an element matching `css` and `check`.
    pub fn wait_for(
        &self,
        css: &str,
        secs: u64,
        what: &str,
        check: impl Fn(&Self, &Element) -> bool,
    ) -> Element {
        let deadline = Instant::now() + Duration::from_secs(secs);
        loop {
            if let Some(e) = self.find_all(css).into_iter().find(|e| check(self, e)) {
                return e;
            }
            if Instant::now() > deadline {
                let _ = self.screenshot_to(&crate::support::artifact(&format!(
                    "timeout-{}",
                    slug(what)
                )));
                panic!("timed out after {secs} s waiting for {what} ({css})");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// The visible text of every element matching `css` (read in the page, so a re-rendered
    /// element is never stale).
    pub fn texts(&self, css: &str) -> Vec<String> {
        self.execute(
            "return Array.from(document.querySelectorAll(arguments[0])).map(e => e.innerText);",
            json!([css]),
        )
        .ok()
        .and_then(|v| serde_json::from_value(v).ok())
        .unwrap_or_default()
    }

    /// The attribute `name` of every element matching `css`.
    pub fn attrs(&self, css: &str, name: &str) -> Vec<Option<String>> {
        self.execute(
            "return Array.from(document.querySelectorAll(arguments[0])).map(e => e.getAttribute(arguments[1]));",
            json!([css, name]),
        )
        .ok()
        .and_then(|v| serde_json::from_value(v).ok())
        .unwrap_or_default()
    }

    /// Waits (up to `secs`) until `probe` says yes, with a screenshot when it never does.
    pub fn wait_until(&self, secs: u64, what: &str, probe: impl Fn(&Self) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(secs);
        while !probe(self) {
            if Instant::now() > deadline {
                let _ = self.screenshot_to(&crate::support::artifact(&format!(
                    "timeout-{}",
                    slug(what)
                )));
                panic!("timed out after {secs} s waiting for {what}");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Waits until some element matching `css` has text satisfying `check`.
    pub fn wait_text(&self, css: &str, secs: u64, what: &str, check: impl Fn(&str) -> bool) {
        self.wait_until(secs, what, |s| s.texts(css).iter().any(|t| check(t)));
    }

    /// Waits for an element that is there at all.
    pub fn el(&self, testid: &str) -> Element {
        self.wait_for(&tid(testid), 15, testid, |_, _| true)
    }

    pub fn click(&self, e: &Element) {
        if let Err(err) = call(
            "POST",
            &self.url(&format!("/element/{}/click", e.0)),
            Some(json!({})),
        ) {
            panic!("click: {err}");
        }
    }

    pub fn click_id(&self, testid: &str) {
        let e = self.el(testid);
        self.click(&e);
    }

    pub fn type_into(&self, testid: &str, text: &str) {
        let e = self.el(testid);
        let _ = call(
            "POST",
            &self.url(&format!("/element/{}/clear", e.0)),
            Some(json!({})),
        );
        if let Err(err) = call(
            "POST",
            &self.url(&format!("/element/{}/value", e.0)),
            Some(json!({"text": text})),
        ) {
            panic!("type into {testid}: {err}");
        }
    }

    pub fn text(&self, e: &Element) -> String {
        call("GET", &self.url(&format!("/element/{}/text", e.0)), None)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default()
    }

    pub fn text_of(&self, testid: &str) -> String {
        let e = self.el(testid);
        self.text(&e)
    }

    pub fn attr(&self, e: &Element, name: &str) -> Option<String> {
        call(
            "GET",
            &self.url(&format!("/element/{}/attribute/{name}", e.0)),
            None,
        )
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
    }

    /// Runs `script` in the page (its `arguments` are `args`), returning its value.
    pub fn execute(&self, script: &str, args: Value) -> Result<Value, String> {
        call(
            "POST",
            &self.url("/execute/sync"),
            Some(json!({"script": script, "args": args})),
        )
    }

    /// Runs an async script: its last argument is the callback.
    pub fn execute_async(&self, script: &str, args: Value) -> Result<Value, String> {
        call(
            "POST",
            &self.url("/execute/async"),
            Some(json!({"script": script, "args": args})),
        )
    }

    /// Presses a key (a WebDriver key code such as "\u{E014}" for →) on the focused element.
    pub fn press(&self, key: &str) {
        let actions = json!({"actions": [{"type": "key", "id": "keyboard", "actions": [
            {"type": "keyDown", "value": key}, {"type": "keyUp", "value": key}
        ]}]});
        if let Err(e) = call("POST", &self.url("/actions"), Some(actions)) {
            panic!("key {key:?}: {e}");
        }
    }

    pub fn screenshot_to(&self, path: &std::path::Path) -> Result<(), String> {
        use base64::Engine as _;
        let v = call("GET", &self.url("/screenshot"), None)?;
        let data = v.as_str().ok_or("no screenshot data")?;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(data)
            .map_err(|e| e.to_string())?;
        std::fs::write(path, bytes).map_err(|e| e.to_string())
    }

    pub fn screenshot(&self, name: &str) {
        let path = crate::support::artifact(name);
        match self.screenshot_to(&path) {
            Ok(()) => eprintln!("screenshot: {}", path.display()),
            Err(e) => panic!("screenshot {name}: {e}"),
        }
    }

    pub fn end(self) {
        let _ = call("DELETE", &self.url(""), None);
    }
}

/// The CSS selector of a `data-testid`.
pub fn tid(testid: &str) -> String {
    format!("[data-testid=\"{testid}\"]")
}

fn slug(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect()
}
