//! Which browsers the video verification supports, read from the User-Agent: Chromium-based
//! browsers and Firefox on a desktop computer (the seeds ask for "Google Chrome or Firefox" and
//! "a desktop device with a camera").

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BrowserCheck {
    Supported,
    /// Not Chromium or Firefox (Safari, Opera's own engine, in-app browsers…).
    Unsupported,
    /// A phone or tablet.
    Mobile,
}

/// The seed's words for a browser the call does not support.
pub const UNSUPPORTED_BROWSER: &str = "We noticed that you're currently using a browser that is not supported by our video verify process. We recommend that you switch to Google Chrome or Firefox in order to successfully complete verification.";

/// The words for a phone or tablet.
pub const MOBILE_DEVICE: &str = "Please use a desktop or laptop computer with a camera: the video verification does not work on phones and tablets.";

pub fn check(user_agent: &str) -> BrowserCheck {
    let ua = user_agent;
    if ["Mobi", "Android", "iPhone", "iPad", "iPod"]
        .iter()
        .any(|m| ua.contains(m))
    {
        return BrowserCheck::Mobile;
    }
    // Browsers that say "Chrome" but are not ones we test with, or in-app browsers.
    let odd = [
        "OPR/",
        "SamsungBrowser/",
        "UCBrowser/",
        "YaBrowser/",
        "FBAN",
        "Instagram",
    ];
    if odd.iter().any(|m| ua.contains(m)) {
        return BrowserCheck::Unsupported;
    }
    let chromium = ["Chrome/", "Chromium/", "Edg/", "HeadlessChrome/"]
        .iter()
        .any(|m| ua.contains(m));
    let firefox = ua.contains("Firefox/") && ua.contains("Gecko/");
    if chromium || firefox {
        BrowserCheck::Supported
    } else {
        BrowserCheck::Unsupported
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn chromium_and_firefox_on_a_desktop_are_supported() {
        let chrome = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
        let headless = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36";
        let firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";
        let edge = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0";
        for ua in [chrome, headless, firefox, edge] {
            assert_eq!(check(ua), BrowserCheck::Supported, "{ua}");
        }
    }

    #[test]
    fn safari_opera_and_phones_are_not() {
        let safari = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_1) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15";
        let opera = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 OPR/106.0.0.0";
        let iphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1";
        assert_eq!(check(safari), BrowserCheck::Unsupported);
        assert_eq!(check(opera), BrowserCheck::Unsupported);
        assert_eq!(check(""), BrowserCheck::Unsupported);
        assert_eq!(check(iphone), BrowserCheck::Mobile);
    }

    proptest! {
        #[test]
        fn any_text_gets_an_answer(ua in ".{0,200}") {
            let _ = check(&ua);
        }
    }
}
