#!/usr/bin/env bash
# Headless Chromium, its driver and Selenium run the browser tests of gloss serve and print the
# report's PDF (offline: the tests give Selenium /usr/bin/chromedriver and set SE_OFFLINE).
. "$(dirname "$0")/lib.sh"
if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
  apt_install "chromium and chromium-driver (for the gloss serve browser tests)" chromium chromium-driver
fi
pip_install selenium selenium
