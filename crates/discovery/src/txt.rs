//! The TXT record of a room: the keys, the rules both sides apply, parsing hostile input, and
//! choosing the address a [`DiscoveredRoom`](crate::DiscoveredRoom) URL uses.

use std::net::IpAddr;

use mdns_sd::TxtProperties;

/// TXT key of the room code.
pub const KEY_CODE: &str = "code";
/// TXT key of the room name.
pub const KEY_NAME: &str = "name";
/// TXT key of the host's display name.
pub const KEY_HOST: &str = "host";
/// TXT key of the password flag, `0` or `1`.
pub const KEY_PASSWORD: &str = "pw";
/// TXT key of the member count.
pub const KEY_MEMBERS: &str = "members";
/// TXT key of the protocol version.
pub const KEY_VERSION: &str = "v";
/// TXT key of the WebSocket path.
pub const KEY_PATH: &str = "path";
/// TXT key of the record's revision, a number that changes with every (re-)registration.
///
/// mdns-sd will not multicast the same record twice within a second (RFC 6762 §6), and a
/// record's identity is its data: without it, a count going 1 → 2 → 1 within a second would
/// leave browsers at 2 for the record's whole TTL. Browsers ignore it.
pub const KEY_REVISION: &str = "rev";

/// The WebSocket path of a room server.
pub const WS_PATH: &str = "/ws";

/// The most characters a room or host name may have.
pub const MAX_NAME_CHARS: usize = 60;
/// The fewest characters of a room code.
pub const MIN_CODE_LEN: usize = 4;
/// The most characters of a room code.
pub const MAX_CODE_LEN: usize = 12;

/// The most bytes of a path accepted from the network.
const MAX_PATH_LEN: usize = 64;
/// The most digits of a number (a `u32` has 10).
const MAX_DIGITS: usize = 10;

/// What a valid TXT record says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RoomTxt {
    pub name: String,
    pub host_name: String,
    pub code: String,
    pub has_password: bool,
    pub members: u32,
    pub protocol: u32,
    pub path: String,
}

/// A code is 4 to 12 ASCII letters or digits.
pub(crate) fn check_code(code: &str) -> Result<(), String> {
    let len = code.len();
    if !(MIN_CODE_LEN..=MAX_CODE_LEN).contains(&len) {
        return Err(format!(
            "code must be {MIN_CODE_LEN} to {MAX_CODE_LEN} characters, has {len} bytes"
        ));
    }
    if !code.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err("code must be ASCII letters and digits".into());
    }
    Ok(())
}

/// A name is 1 to 60 characters, not blank, without surrounding spaces or forbidden
/// characters.
pub(crate) fn check_name(field: &str, value: &str) -> Result<(), String> {
    if value.trim().is_empty() {
        return Err(format!("{field} must not be empty"));
    }
    if value.trim() != value {
        return Err(format!("{field} must not start or end with spaces"));
    }
    // Cheap bound before counting: more bytes than 4 per allowed character is always too long.
    if value.len() > MAX_NAME_CHARS * 4 || value.chars().count() > MAX_NAME_CHARS {
        return Err(format!(
            "{field} must be at most {MAX_NAME_CHARS} characters"
        ));
    }
    if value.chars().any(is_forbidden_char) {
        return Err(format!(
            "{field} must not contain control or bidirectional-override characters"
        ));
    }
    Ok(())
}

/// Control characters (C0, DEL, C1) and the bidirectional embeddings, overrides and isolates
/// that can make a name display as something else.
pub(crate) fn is_forbidden_char(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// The TXT record of an announcement, in a fixed order.
pub(crate) fn build(
    name: &str,
    host_name: &str,
    code: &str,
    has_password: bool,
    members: u32,
    protocol: u32,
    revision: u32,
) -> Vec<(&'static str, String)> {
    vec![
        (KEY_CODE, code.to_owned()),
        (KEY_NAME, name.to_owned()),
        (KEY_HOST, host_name.to_owned()),
        (
            KEY_PASSWORD,
            if has_password { "1" } else { "0" }.to_owned(),
        ),
        (KEY_MEMBERS, members.to_string()),
        (KEY_VERSION, protocol.to_string()),
        (KEY_PATH, WS_PATH.to_owned()),
        (KEY_REVISION, revision.to_string()),
    ]
}

/// Parses and checks a TXT record received from anyone on the network.
pub(crate) fn parse(props: &TxtProperties) -> Result<RoomTxt, String> {
    let code = text(props, KEY_CODE)?;
    check_code(code)?;
    let name = text(props, KEY_NAME)?;
    check_name("name", name)?;
    let host_name = text(props, KEY_HOST)?;
    check_name("host", host_name)?;
    let has_password = match text(props, KEY_PASSWORD)? {
        "0" => false,
        "1" => true,
        other => return Err(format!("pw must be 0 or 1, is {:?}", clip(other))),
    };
    let members = number(props, KEY_MEMBERS)?;
    let protocol = number(props, KEY_VERSION)?;
    let path = match props.get_property_val(KEY_PATH) {
        None => WS_PATH.to_owned(),
        Some(_) => {
            let path = text(props, KEY_PATH)?;
            check_path(path)?;
            path.to_owned()
        }
    };
    Ok(RoomTxt {
        name: name.to_owned(),
        host_name: host_name.to_owned(),
        code: code.to_owned(),
        has_password,
        members,
        protocol,
        path,
    })
}

fn text<'a>(props: &'a TxtProperties, key: &str) -> Result<&'a str, String> {
    let bytes = match props.get_property_val(key) {
        None => return Err(format!("{key} is missing")),
        Some(None) => return Err(format!("{key} has no value")),
        Some(Some(v)) => v,
    };
    std::str::from_utf8(bytes).map_err(|_| format!("{key} is not UTF-8"))
}

fn number(props: &TxtProperties, key: &str) -> Result<u32, String> {
    let s = text(props, key)?;
    if s.is_empty() || s.len() > MAX_DIGITS || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("{key} must be a number, is {:?}", clip(s)));
    }
    s.parse()
        .map_err(|_| format!("{key} is out of range: {:?}", clip(s)))
}

fn check_path(path: &str) -> Result<(), String> {
    let ok = path.starts_with('/')
        && path.len() <= MAX_PATH_LEN
        && path
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'/' | b'-' | b'_' | b'.'));
    if ok {
        Ok(())
    } else {
        Err(format!(
            "path is not a plain absolute path: {:?}",
            clip(path)
        ))
    }
}

/// At most 40 characters of hostile text, for a log line.
fn clip(s: &str) -> String {
    s.chars().take(40).collect()
}

/// `ws://ADDR:PORT/PATH` on the best of `addrs`: a routable IPv4 address first, then an IPv4
/// link-local one, then a routable IPv6 address (in brackets), then loopback (same machine).
/// IPv6 link-local addresses need a zone that URLs cannot carry portably, so they are never
/// used; unspecified and multicast addresses neither. Ties go to the lowest address, so the
/// choice is stable.
pub(crate) fn url(
    addrs: impl IntoIterator<Item = IpAddr>,
    port: u16,
    path: &str,
) -> Option<String> {
    let best = addrs
        .into_iter()
        .filter_map(|ip| rank(ip).map(|r| (r, ip)))
        .min()?;
    Some(match best.1 {
        IpAddr::V4(ip) => format!("ws://{ip}:{port}{path}"),
        IpAddr::V6(ip) => format!("ws://[{ip}]:{port}{path}"),
    })
}

fn rank(ip: IpAddr) -> Option<u8> {
    if ip.is_unspecified() || ip.is_multicast() {
        return None;
    }
    match ip {
        IpAddr::V4(v4) if v4.is_broadcast() => None,
        IpAddr::V4(v4) if v4.is_loopback() => Some(3),
        IpAddr::V4(v4) if v4.is_link_local() => Some(1),
        IpAddr::V4(_) => Some(0),
        IpAddr::V6(v6) if v6.is_loopback() => Some(4),
        IpAddr::V6(v6) if v6.is_unicast_link_local() => None,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => rank(IpAddr::V4(v4)),
            None => Some(2),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type Pairs = Vec<(String, String)>;

    fn props(pairs: &Pairs) -> TxtProperties {
        let v: Vec<mdns_sd::TxtProperty> = pairs.iter().map(mdns_sd::TxtProperty::from).collect();
        mdns_sd::IntoTxtProperties::into_txt_properties(v)
    }

    fn good() -> Pairs {
        [
            ("code", "K7QM2D"),
            ("name", "Friday jazz"),
            ("host", "Ada"),
            ("pw", "1"),
            ("members", "3"),
            ("v", "1"),
            ("path", "/ws"),
        ]
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
    }

    fn with(key: &str, value: impl Into<String>) -> Pairs {
        let mut v = without(key);
        v.push((key.to_owned(), value.into()));
        v
    }

    fn without(key: &str) -> Pairs {
        let mut v = good();
        v.retain(|(k, _)| k != key);
        v
    }

    #[test]
    fn a_good_record_parses() {
        let txt = parse(&props(&good())).expect("valid");
        assert_eq!(
            txt,
            RoomTxt {
                name: "Friday jazz".into(),
                host_name: "Ada".into(),
                code: "K7QM2D".into(),
                has_password: true,
                members: 3,
                protocol: 1,
                path: "/ws".into(),
            }
        );
        assert_eq!(
            parse(&props(&without("path"))).map(|t| t.path),
            Ok("/ws".into())
        );
    }

    #[test]
    fn hostile_records_are_refused() {
        let bad = [
            without("code"),
            without("name"),
            without("host"),
            without("pw"),
            without("members"),
            without("v"),
            with("code", "abc"),
            with("code", "ABCDEFGHIJKLM"),
            with("code", "AB-CD"),
            with("code", "ÄBCD"),
            with("name", ""),
            with("name", "   "),
            with("name", " padded"),
            with("name", "n".repeat(61)),
            with("name", "bell\u{7}"),
            with("name", "new\nline"),
            with("name", "evil\u{202E}txt.exe"),
            with("host", "tab\there"),
            with("pw", "2"),
            with("pw", "yes"),
            with("members", "-1"),
            with("members", "+3"),
            with("members", "4294967296"),
            with("members", "99999999999999999999"),
            with("members", ""),
            with("v", "one"),
            with("path", "ws"),
            with("path", "/ws?x=<script>"),
        ];
        for case in bad {
            assert!(parse(&props(&case)).is_err(), "accepted {case:?}");
        }
        assert!(parse(&props(&with("name", "n".repeat(60)))).is_ok());
        assert!(parse(&props(&with("name", "Émile's café ☕"))).is_ok());
    }

    #[test]
    fn non_utf8_and_valueless_are_refused() {
        let mut v: Vec<mdns_sd::TxtProperty> = without("name")
            .iter()
            .map(mdns_sd::TxtProperty::from)
            .collect();
        v.push(mdns_sd::TxtProperty::from(("name", &[0xff_u8, 0xfe][..])));
        assert!(parse(&mdns_sd::IntoTxtProperties::into_txt_properties(v)).is_err());

        let mut v: Vec<mdns_sd::TxtProperty> = without("pw")
            .iter()
            .map(mdns_sd::TxtProperty::from)
            .collect();
        v.push(mdns_sd::TxtProperty::from("pw"));
        assert!(parse(&mdns_sd::IntoTxtProperties::into_txt_properties(v)).is_err());
    }

    #[test]
    fn url_prefers_ipv4_and_brackets_ipv6() {
        let ip = |s: &str| s.parse::<IpAddr>().expect("ip");
        assert_eq!(
            url(
                [ip("fd00::5"), ip("192.168.1.9"), ip("127.0.0.1")],
                7878,
                "/ws"
            )
            .as_deref(),
            Some("ws://192.168.1.9:7878/ws")
        );
        assert_eq!(
            url([ip("fe80::1"), ip("fd00::5"), ip("127.0.0.1")], 7878, "/ws").as_deref(),
            Some("ws://[fd00::5]:7878/ws")
        );
        assert_eq!(
            url([ip("10.0.0.2"), ip("10.0.0.1")], 1, "/ws").as_deref(),
            Some("ws://10.0.0.1:1/ws")
        );
        assert_eq!(
            url([ip("169.254.3.4"), ip("fd00::5")], 1, "/ws").as_deref(),
            Some("ws://169.254.3.4:1/ws")
        );
        assert_eq!(
            url([ip("127.0.0.1")], 9, "/ws").as_deref(),
            Some("ws://127.0.0.1:9/ws")
        );
        assert_eq!(
            url([ip("fe80::1"), ip("0.0.0.0"), ip("224.0.0.251")], 9, "/ws"),
            None
        );
        assert_eq!(url([], 9, "/ws"), None);
    }
}
