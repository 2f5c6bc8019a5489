//! The `Range` header, as far as a media player needs it: one byte range.
//!
//! - `bytes=a-b`, `bytes=a-`, `bytes=-n` → that range (the end clamped to the file).
//! - A range that starts at or past the end, or `bytes=-0`, or any range of an empty file →
//!   unsatisfiable (416).
//! - Several ranges (`bytes=0-1,5-6`) → the whole file with 200: players never ask for them and
//!   a `multipart/byteranges` body would only be one more thing to get wrong. RFC 9110 lets a
//!   server ignore `Range`.
//! - Anything unparsable or another unit → ignored (200, the whole file), as RFC 9110 says.

/// What to send for a request's `Range`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RangeAnswer {
    /// 200 with the whole file.
    Whole,
    /// 206 with bytes `start..=end`.
    Part { start: u64, end: u64 },
    /// 416.
    Unsatisfiable,
}

/// Decide what to serve of a file of `size` bytes for a `Range` header value.
pub fn answer(header: Option<&str>, size: u64) -> RangeAnswer {
    let Some(value) = header else {
        return RangeAnswer::Whole;
    };
    let Some(spec) = value.trim().strip_prefix("bytes=") else {
        return RangeAnswer::Whole;
    };
    if spec.contains(',') {
        return RangeAnswer::Whole;
    }
    let Some((first, last)) = spec.trim().split_once('-') else {
        return RangeAnswer::Whole;
    };
    let (first, last) = (first.trim(), last.trim());
    let number = |s: &str| -> Option<u64> {
        if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        // Too many digits for a u64 is still a number: larger than any file.
        Some(s.parse().unwrap_or(u64::MAX))
    };
    match (first.is_empty(), last.is_empty()) {
        // bytes=-n: the last n bytes.
        (true, false) => match number(last) {
            None => RangeAnswer::Whole,
            Some(0) => RangeAnswer::Unsatisfiable,
            Some(_) if size == 0 => RangeAnswer::Unsatisfiable,
            Some(n) => RangeAnswer::Part {
                start: size.saturating_sub(n),
                end: size - 1,
            },
        },
        // bytes=a-
        (false, true) => match number(first) {
            None => RangeAnswer::Whole,
            Some(a) if a >= size => RangeAnswer::Unsatisfiable,
            Some(a) => RangeAnswer::Part {
                start: a,
                end: size - 1,
            },
        },
        // bytes=a-b
        (false, false) => match (number(first), number(last)) {
            (Some(a), Some(b)) if a <= b => {
                if a >= size {
                    RangeAnswer::Unsatisfiable
                } else {
                    RangeAnswer::Part {
                        start: a,
                        end: b.min(size - 1),
                    }
                }
            }
            _ => RangeAnswer::Whole,
        },
        (true, true) => RangeAnswer::Whole,
    }
}

#[cfg(test)]
mod tests {
    use super::RangeAnswer::{Part, Unsatisfiable, Whole};
    use super::*;

    #[test]
    fn single_ranges() {
        let cases = [
            (None, 10, Whole),
            (Some("bytes=0-0"), 10, Part { start: 0, end: 0 }),
            (Some("bytes=2-5"), 10, Part { start: 2, end: 5 }),
            (Some("bytes=2-500"), 10, Part { start: 2, end: 9 }),
            (Some("bytes=4-"), 10, Part { start: 4, end: 9 }),
            (Some("bytes=-3"), 10, Part { start: 7, end: 9 }),
            (Some("bytes=-30"), 10, Part { start: 0, end: 9 }),
            (Some(" bytes= 1 - 2 "), 10, Part { start: 1, end: 2 }),
            (Some("bytes=10-"), 10, Unsatisfiable),
            (Some("bytes=10-20"), 10, Unsatisfiable),
            (Some("bytes=-0"), 10, Unsatisfiable),
            (Some("bytes=0-"), 0, Unsatisfiable),
            (Some("bytes=-5"), 0, Unsatisfiable),
            (Some("bytes=99999999999999999999999-"), 10, Unsatisfiable),
        ];
        for (header, size, want) in cases {
            assert_eq!(answer(header, size), want, "{header:?} of {size}");
        }
    }

    #[test]
    fn anything_else_is_the_whole_file() {
        for header in [
            "bytes=0-1,4-5",
            "items=0-1",
            "bytes=5-2",
            "bytes=-",
            "bytes=a-b",
            "bytes=1",
            "bytes=+1-2",
            "",
        ] {
            assert_eq!(answer(Some(header), 10), Whole, "{header}");
        }
    }
}
