#!/usr/bin/env python3
"""End-to-end test of `gloss serve` in headless Chromium, driven by Selenium.

Usage: serve_test.py GLOSS PROJECT ARTIFACTS

PROJECT is a Gloss project with a document `interview` (its second paragraph contains
"the labels were noisy") and the codes Scarce and Noisy; the environment names the coder
(GLOSS_CODER). The script starts `gloss serve --port 0`, codes in the page as a person would
(a real mouse drag, typing in the picker), and checks every change with `gloss ls` and
`git log` as witnesses. Screenshots go to ARTIFACTS. Nothing reaches the network: Selenium
runs offline with Debian's chromedriver.
"""
import json
import os
import subprocess
import sys
import time

os.environ["SE_OFFLINE"] = "true"
os.environ["SE_AVOID_STATS"] = "true"

from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.action_chains import ActionChains  # noqa: E402
from selenium.webdriver.common.actions.action_builder import ActionBuilder  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.common.exceptions import StaleElementReferenceException  # noqa: E402

GLOSS, PROJECT, ARTIFACTS = sys.argv[1:4]
CODER = os.environ["GLOSS_CODER"]


def run(*args):
    result = subprocess.run(args, cwd=PROJECT, capture_output=True, text=True, timeout=60)
    if result.returncode != 0:
        raise AssertionError(f"{' '.join(args)} failed: {result.stderr}")
    return result.stdout


def listing():
    return json.loads(run(GLOSS, "ls", "--format", "json"))


def wait(what, condition, timeout=30):
    deadline = time.time() + timeout
    while True:
        try:
            value = condition()
        except StaleElementReferenceException:
            value = None  # the page re-rendered under the lookup: look again
        if value:
            return value
        if time.time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


def shot(driver, name):
    os.makedirs(ARTIFACTS, exist_ok=True)
    driver.save_screenshot(os.path.join(ARTIFACTS, f"{name}.png"))


def drag_select(driver, para, first, last):
    """Selects characters first..last (UTF-16 indexes in the paragraph's text) with a real
    mouse drag, from the left edge of the first to the right edge of the last."""
    boxes = driver.execute_script(
        """
        const [para, first, last] = arguments;
        function box(index) {
          const walker = document.createTreeWalker(para, NodeFilter.SHOW_TEXT);
          let node, at = index;
          while ((node = walker.nextNode())) {
            if (at < node.data.length) {
              const range = document.createRange();
              range.setStart(node, at);
              range.setEnd(node, at + 1);
              const rect = range.getBoundingClientRect();
              return [rect.left, rect.right, rect.top + rect.height / 2];
            }
            at -= node.data.length;
          }
          return null;
        }
        para.scrollIntoView({block: 'center'});
        return [box(first), box(last)];
        """,
        para, first, last)
    start, end = boxes
    actions = ActionBuilder(driver)
    actions.pointer_action.move_to_location(int(start[0]) + 1, int(start[2]))
    actions.pointer_action.pointer_down()
    actions.pointer_action.move_to_location(int((start[0] + end[1]) / 2), int(end[2]))
    actions.pointer_action.move_to_location(int(end[1]) - 1, int(end[2]))
    actions.pointer_action.pointer_up()
    actions.perform()


def serving(coder, run_scenario):
    """Runs `gloss serve --port 0` as `coder` and `run_scenario(driver, url)` in headless
    Chromium against it; the server must end with status 0."""
    env = dict(os.environ, GLOSS_CODER=coder)
    server = subprocess.Popen(
        [GLOSS, "serve", "--port", "0"], cwd=PROJECT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env=env)
    try:
        line = server.stdout.readline().strip()
        assert line.startswith("Serving ") and "http://127.0.0.1:" in line and "/?token=" in line, line
        url = line.split(" at ", 1)[1]
        options = webdriver.ChromeOptions()
        options.binary_location = "/usr/bin/chromium"
        for argument in ["--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1400,900",
                         "--disable-dev-shm-usage", "--no-first-run", "--disable-background-networking",
                         "--disable-component-update", "--disable-sync", "--lang=en-US"]:
            options.add_argument(argument)
        driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
        try:
            run_scenario(driver, url)
        finally:
            driver.quit()
    finally:
        server.terminate()
        server.wait(timeout=10)
    assert server.returncode == 0, f"gloss serve ended with {server.returncode}"


def main():
    serving(CODER, scenario)
    serving("lead", lead_scenario)
    print("serve e2e: all steps passed")


def displayed(driver, selector):
    found = driver.find_elements(By.CSS_SELECTOR, selector)
    return found[0] if found and found[0].is_displayed() else None


def click(driver, element):
    """A real mouse click: move to the element's middle, press, release."""
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
    ActionChains(driver).move_to_element(element).click().perform()


def on_fresh(driver, selector, action, timeout=15):
    """`action` on the element `selector` finds, found again if the page re-renders it first
    (each commit refreshes the open views)."""
    return wait(f"{selector} to settle", lambda: action(driver.find_element(By.CSS_SELECTOR, selector)) or True,
                timeout=timeout)


def lead_scenario(driver, url):
    """The lead compares ana and ben, reconciles with the mouse, manages the codebook and the
    assignments, and syncs with a remote; the command line and git are the witnesses."""
    ben = "ben"
    run(GLOSS, "--as", "lead", "doc", "assign", "interview", "--to", ben)
    run(GLOSS, "--as", ben, "add", "interview", "noisy", "--quote", "the labels were noisy")
    run(GLOSS, "--as", ben, "add", "interview", "scarce", "--quote", "more data")
    # A shared remote the page syncs with, and a second clone that pushes to it.
    remote = os.path.join(os.path.dirname(PROJECT), "shared.git")
    subprocess.run(["git", "clone", "-q", "--bare", PROJECT, remote], check=True, timeout=60)
    run("git", "remote", "add", "origin", remote)
    run("git", "fetch", "-q", "origin")

    driver.get(url)
    wait("the lead's page", lambda: driver.execute_script("return document.body.dataset.ready === 'true'"))
    # Who is done, per document: the coder marked interview done, ben did not.
    done_by = wait("who is done", lambda: displayed(driver, 'a[data-doc="interview"] [data-testid="doc-done-by"]'))
    assert f"done: {CODER} (1 of " in done_by.text, done_by.text
    click(driver, wait("the compare link", lambda: displayed(driver, '[data-testid="compare-link"]')))
    wait("the comparison", lambda: driver.find_elements(By.CSS_SELECTOR, '[data-testid="compare-row"]'))
    # Compare ana and ben only: untick the other coders with the mouse.
    coders = [box.get_attribute("data-coder")
              for box in driver.find_elements(By.CSS_SELECTOR, 'input[data-testid="compare-coder"]')]
    assert CODER in coders and ben in coders, coders
    for name in coders:
        if name in (CODER, ben):
            continue
        click(driver, driver.find_element(By.CSS_SELECTOR, f'input[data-testid="compare-coder"][data-coder="{name}"]'))
        wait("the narrower comparison", lambda: name not in [
            th.text for th in driver.find_elements(By.CSS_SELECTOR, '[data-testid="compare-table"] th')])
    rows = driver.find_elements(By.CSS_SELECTOR, '[data-testid="compare-row"]')
    agreed = [row for row in rows if "agree" in row.get_attribute("class").split()]
    assert agreed, "ana and ben agree on 'the labels were noisy'"
    assert driver.find_elements(By.CSS_SELECTOR, 'tr.disagree[data-decision="open"]'), "no open disagreement"
    shot(driver, "10-compare")

    # Take ben's "more data"; drop one of ana's spans.
    row = driver.find_element(By.CSS_SELECTOR, 'tr[data-testid="compare-row"][data-code="scarce"][data-decision="open"]'
                              + ':has(td[data-coder="ben"].has)')
    row.find_element(By.CSS_SELECTOR, 'button[data-testid="take"]')  # found before anything re-renders
    on_fresh(driver, 'tr[data-testid="compare-row"][data-code="scarce"][data-decision="open"]:has(td[data-coder="ben"].has) '
             'button[data-testid="take"]', lambda button: click(driver, button))
    wait("the taken span in consensus", lambda: [a for a in listing()
                                                 if a["coder"] == "consensus" and a["exact"] == "more data"])
    log = run("git", "log", "-1", "--format=%B")
    assert "lead reconciles ana, ben on interview" in log and "Gloss-Coder: lead" in log, log
    wait("an open span to drop", lambda: driver.find_elements(
        By.CSS_SELECTOR, 'tr[data-decision="open"] button[data-testid="drop"]'))
    on_fresh(driver, 'tr[data-decision="open"] button[data-testid="drop"]', lambda button: click(driver, button))
    wait("the drop in the decision memo", lambda: "- dropped" in open(
        os.path.join(PROJECT, "memos", "reconcile", "interview.md"), encoding="utf-8").read()
        if os.path.exists(os.path.join(PROJECT, "memos", "reconcile", "interview.md")) else False)
    wait("the decisions in the page", lambda: driver.find_elements(By.CSS_SELECTOR, 'tr[data-decision="dropped"]'))
    shot(driver, "11-reconciled")

    # Manage: rename a code by typing, put the document on cy's list with a tick.
    click(driver, driver.find_element(By.CSS_SELECTOR, '[data-testid="manage-link"]'))
    name = wait("the codebook", lambda: driver.find_element(
        By.CSS_SELECTOR, '[data-testid="code-row"][data-code="noisy"] input[data-testid="code-name"]')
        if driver.find_elements(By.CSS_SELECTOR, '[data-testid="code-row"]') else None)
    click(driver, name)
    name.send_keys(Keys.CONTROL, "a")
    name.send_keys("Noisy labels", Keys.TAB)
    wait("the rename in the codebook", lambda: "Noisy labels" in run(GLOSS, "code", "list"))
    tick = 'input[data-testid="assign"][data-doc="interview"][data-coder="cy"]'
    wait("the rename in the page", lambda: driver.find_element(
        By.CSS_SELECTOR, '[data-testid="code-row"][data-code="noisy"] input').get_attribute("value") == "Noisy labels")
    # A colour from the colour input (a native dialog Selenium cannot drive: set and changed).
    on_fresh(driver, '[data-testid="code-row"][data-code="noisy"] input[data-testid="code-color"]',
             lambda field: driver.execute_script(
                 "arguments[0].value = '#1971c2'; arguments[0].dispatchEvent(new Event('change'))", field))
    wait("the colour in the codebook", lambda: [c for c in json.loads(run(GLOSS, "code", "list", "--format", "json"))
                                                if c["id"] == "noisy" and c.get("color") == "#1971c2"])
    swatch = "return getComputedStyle(document.querySelector(" \
        "'[data-testid=\"code-filter\"][data-code=\"noisy\"] .swatch')).backgroundColor"
    wait("the colour in the panel", lambda: driver.execute_script(swatch) == "rgb(25, 113, 194)")
    on_fresh(driver, tick, lambda box: None if box.is_selected() else click(driver, box))
    wait("cy's annotation file", lambda: "annotations/cy/interview.jsonl" in run("git", "ls-files", "annotations"))
    wait("the tick to stay", lambda: driver.find_element(
        By.CSS_SELECTOR, 'input[data-testid="assign"][data-doc="interview"][data-coder="cy"]').is_selected())
    shot(driver, "12-manage")

    # Sync: push the lead's commits, then pull one pushed from another clone.
    status = wait("the sync status", lambda: displayed(driver, '[data-testid="sync-status"]'))
    wait("commits ahead", lambda: "↑" in status.text and "↑0" not in status.text)
    on_fresh(driver, '[data-testid="sync-push"]', lambda button: click(driver, button))
    head = run("git", "rev-parse", "HEAD")
    wait("the push", lambda: subprocess.run(["git", "rev-parse", "main"], cwd=remote, capture_output=True,
                                            text=True).stdout == head)
    wait("nothing ahead", lambda: "↑0" in driver.find_element(By.CSS_SELECTOR, '[data-testid="sync-status"]').text)
    other = os.path.join(os.path.dirname(PROJECT), "other")
    subprocess.run(["git", "clone", "-q", remote, other], check=True, timeout=60)
    subprocess.run([GLOSS, "--as", "di", "doc", "list"], cwd=other, check=True, capture_output=True, timeout=60)
    subprocess.run([GLOSS, "--as", ben, "add", "interview", "noisy", "--quote", "gave up"], cwd=other, check=True,
                   capture_output=True, timeout=60)
    subprocess.run(["git", "push", "-q", "origin", "HEAD"], cwd=other, check=True, capture_output=True, timeout=60)
    on_fresh(driver, '[data-testid="sync-fetch"]', lambda button: click(driver, button))
    wait("one behind", lambda: "↓1" in driver.find_element(By.CSS_SELECTOR, '[data-testid="sync-status"]').text)
    shot(driver, "13-sync")
    on_fresh(driver, '[data-testid="sync-pull"]', lambda button: click(driver, button))
    wait("the pulled assignment", lambda: [a for a in listing() if a["exact"] == "gave up"])
    wait("up to date", lambda: "↓0" in driver.find_element(By.CSS_SELECTOR, '[data-testid="sync-status"]').text)

    # A conflict: the lead's memo on one record, edited here and in the other clone. Pull
    # shows it record by record; taking theirs merges as `gloss pull --theirs ID` would.
    mine = run(GLOSS, "--as", "lead", "add", "interview", "scarce", "--quote", "relabel a sample").strip()
    wait("one ahead", lambda: "↑1" in driver.find_element(By.CSS_SELECTOR, '[data-testid="sync-status"]').text)
    on_fresh(driver, '[data-testid="sync-push"]', lambda button: click(driver, button))
    wait("the record on the remote", lambda: mine in subprocess.run(
        ["git", "log", "-1", "-p", "main"], cwd=remote, capture_output=True, text=True).stdout)
    for command in (["git", "pull", "-q"], [GLOSS, "--as", "lead", "edit", mine, "--memo", "theirs"],
                    ["git", "push", "-q", "origin", "HEAD"]):
        subprocess.run(command, cwd=other, check=True, capture_output=True, timeout=60)
    run(GLOSS, "--as", "lead", "edit", mine, "--memo", "ours")
    before = run("git", "rev-parse", "HEAD")
    on_fresh(driver, '[data-testid="sync-pull"]', lambda button: click(driver, button))
    card = wait("the conflict", lambda: displayed(driver, f'[data-testid="conflict"][data-selector="{mine}"]'))
    assert len(driver.find_elements(By.CSS_SELECTOR, '[data-testid="conflict"]')) == 1
    assert '"memo":"ours"' in card.text and '"memo":"theirs"' in card.text, card.text
    assert run("git", "rev-parse", "HEAD") == before, "a conflicted pull wrote"
    shot(driver, "15-conflict")
    click(driver, card.find_element(By.CSS_SELECTOR, 'input[data-testid="pick-theirs"]'))
    click(driver, driver.find_element(By.CSS_SELECTOR, '[data-testid="conflicts"] button[data-testid="settle"]'))
    wait("theirs in gloss ls", lambda: [a for a in listing() if a["id"] == mine and a.get("memo") == "theirs"])
    wait("the dialog to close", lambda: not displayed(driver, '[data-testid="conflicts"]'))
    assert subprocess.run(["git", "fsck", "--strict"], cwd=PROJECT, capture_output=True).returncode == 0
    # The conflicted pull's 409 is the answer the page expects, not an error.
    errors = [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"
              and "/api/sync/pull - Failed to load resource: the server responded with a status of 409"
              not in entry["message"]]
    assert not errors, errors


def scenario(driver, url):
    driver.get(url)
    # The token left the address bar; the cookie carries it from now on.
    wait("the page", lambda: driver.execute_script("return document.body.dataset.ready === 'true'"))
    assert "token=" not in driver.current_url, driver.current_url
    driver.execute_script("window.__sameLoad = true")

    # Open the document through its link.
    link = driver.find_element(By.CSS_SELECTOR, 'a[data-testid="doc-link"][data-doc="interview"]')
    link.click()
    para = wait("paragraph 2", lambda: driver.find_elements(By.CSS_SELECTOR, '[data-testid="para"][data-para="2"]'))[0]
    text = para.get_attribute("textContent")
    phrase = "the labels were noisy"
    first = text.index(phrase)
    last = first + len(phrase) - 1
    shot(driver, "01-document")

    # Select with the mouse; the picker opens at the selection.
    drag_select(driver, para, first, last)
    picker = wait("the code picker", lambda: driver.find_element(By.CSS_SELECTOR, '[data-testid="code-picker"]')
                  if driver.find_element(By.CSS_SELECTOR, '[data-testid="code-picker"]').is_displayed() else None)
    field = picker.find_element(By.CSS_SELECTOR, "input")
    field.send_keys("Nois")
    shot(driver, "02-picker")
    field.send_keys(Keys.ENTER)

    added = wait("the assignment in gloss ls", lambda: [a for a in listing() if a["code"] == "noisy"])
    assert len(added) == 1, added
    assignment = added[0]
    assert assignment["exact"] == phrase, assignment
    assert assignment["coder"] == CODER, assignment
    # Offsets are code points, as in the file (Python indexes strings by code point; the emoji
    # before the phrase is two UTF-16 units in the browser).
    with open(os.path.join(PROJECT, "documents", "interview.txt"), encoding="utf-8") as file:
        document = file.read()
    assert (assignment["start"], assignment["end"]) == (document.index(phrase), document.index(phrase) + len(phrase))
    log = run("git", "log", "-1", "--format=%B")
    assert f"Gloss-Coder: {CODER}" in log and "adds noisy to interview" in log, log
    highlight = f'mark[data-assignment-id="{assignment["id"]}"]'

    def marked_phrase():
        marks = driver.find_elements(By.CSS_SELECTOR, highlight)
        # The whole phrase, with the code's name (and the coder) on hover.
        return marks and "".join(m.get_attribute("textContent") for m in marks) == phrase \
            and f"Noisy ({CODER})" in marks[0].get_attribute("title")
    wait("the highlight with its name on hover", marked_phrase)
    shot(driver, "03-highlight")

    # Click the highlight: its details; write a memo.
    on_fresh(driver, highlight, lambda mark: mark.click())
    details = wait("the details", lambda: driver.find_element(By.CSS_SELECTOR, '[data-testid="details"]')
                   if driver.find_element(By.CSS_SELECTOR, '[data-testid="details"]').is_displayed() else None)
    # Who and when: the time the id (a UUID v7) was made, in the browser's time zone (ours).
    made = int(assignment["id"][:8] + assignment["id"][9:13], 16) / 1000
    assert abs(time.time() - made) < 600, assignment["id"]
    when = wait("the time in the details", lambda: (box := displayed(
        driver, f'[data-card="{assignment["id"]}"] [data-testid="when"]')) and box.text)
    assert when == "added " + time.strftime("%Y-%m-%d %H:%M", time.localtime(made)), when
    assert details.find_element(By.CSS_SELECTOR, f'[data-card="{assignment["id"]}"] .by').text == "you"
    memo = details.find_element(By.CSS_SELECTOR, 'textarea[data-testid="memo"]')
    memo.send_keys("Coder doubts the labelling process.")
    details.find_element(By.CSS_SELECTOR, 'button[data-testid="save-memo"]').click()
    wait("the memo in gloss ls", lambda: [a for a in listing()
                                         if a["id"] == assignment["id"] and a["memo"].startswith("Coder doubts")])
    shot(driver, "04-details")

    # A commit from the command line appears in the open page, without a reload; its span
    # overlaps the first one.
    other = run(GLOSS, "add", "interview", "scarce", "--quote", "labels were noisy and scarce").strip()
    wait("the CLI's assignment in the page",
         lambda: driver.find_elements(By.CSS_SELECTOR, f'mark.hl[data-ids~="{other}"]'), timeout=10)
    assert driver.execute_script("return window.__sameLoad === true"), "the page reloaded"
    overlaps = driver.find_elements(By.CSS_SELECTOR, "mark.hl.overlap")
    assert overlaps, "the overlap is not shown"
    # The margin names the codes starting in the paragraph; the speaker's name is a heading.
    wait("the codes in the margin", lambda: [chip.text for chip in driver.find_elements(
        By.CSS_SELECTOR, '.row:has([data-para="2"]) .margin .chip')] == ["Noisy", "Scarce"])
    assert driver.find_element(By.CSS_SELECTOR, '[data-para="2"] .speaker').text == "Ana:"
    shot(driver, "05-overlap")

    # Remove the first assignment from its details, then undo.
    on_fresh(driver, highlight, lambda mark: mark.click())
    remove = f'[data-testid="details"] [data-card="{assignment["id"]}"] button[data-testid="remove"]'
    wait("the remove button", lambda: driver.find_elements(By.CSS_SELECTOR, remove))
    on_fresh(driver, remove, lambda button: button.click())
    wait("the removal in gloss ls", lambda: not [a for a in listing() if a["id"] == assignment["id"]])
    wait("the highlight to go", lambda: not driver.find_elements(
        By.CSS_SELECTOR, f'mark.hl[data-ids~="{assignment["id"]}"]'))
    log = run("git", "log", "-1", "--format=%B")
    assert "removes noisy from interview" in log and f"Gloss-Coder: {CODER}" in log, log

    driver.find_element(By.CSS_SELECTOR, '[data-testid="undo"]').click()
    restored = wait("the undo in gloss ls", lambda: [a for a in listing() if a["code"] == "noisy"])
    assert restored[0]["exact"] == phrase and restored[0]["memo"].startswith("Coder doubts"), restored
    wait("the restored highlight", lambda: driver.find_elements(
        By.CSS_SELECTOR, f'mark.hl[data-ids~="{restored[0]["id"]}"]'))
    shot(driver, "06-after-undo")

    # A new code from the picker (open coding), assigned at once.
    para = driver.find_element(By.CSS_SELECTOR, '[data-testid="para"][data-para="2"]')
    text = para.get_attribute("textContent")
    phrase = "nobody had time"
    drag_select(driver, para, text.index(phrase), text.index(phrase) + len(phrase) - 1)
    field = wait("the picker again", lambda: driver.find_element(By.CSS_SELECTOR, '[data-testid="code-picker"] input')
                 if driver.find_element(By.CSS_SELECTOR, '[data-testid="code-picker"]').is_displayed() else None)
    # Recently used codes come first.
    top_entry = driver.find_element(By.CSS_SELECTOR, "#picker-list li").text
    assert top_entry.startswith("Noisy") and "recent" in top_entry, top_entry
    field.send_keys("Time pressure")
    wait("the new-code option", lambda: driver.find_elements(By.CSS_SELECTOR, '[data-testid="new-code"]'))
    field.send_keys(Keys.ENTER)
    created = wait("the new code's assignment", lambda: [a for a in listing() if a["code"] == "time-pressure"])
    assert created[0]["exact"] == phrase, created
    assert "Time pressure" in run(GLOSS, "code", "list"), "the code is not in the codebook"

    # The keyboard alone: a caret in the text, shift+arrows to select, c for the picker.
    para = driver.find_element(By.CSS_SELECTOR, '[data-testid="para"][data-para="4"]')
    driver.execute_script(
        """
        const [para, word] = arguments;
        const walker = document.createTreeWalker(para, NodeFilter.SHOW_TEXT);
        let node, at;
        while ((node = walker.nextNode()) && (at = node.data.indexOf(word)) < 0) {}
        document.querySelector('#transcript').focus();
        window.getSelection().collapse(node, at);
        """, para, "bought")
    keys = ActionChains(driver).key_down(Keys.SHIFT)
    for _ in range(len("bought")):
        keys = keys.send_keys(Keys.ARROW_RIGHT)
    keys.key_up(Keys.SHIFT).send_keys("c").perform()
    field = wait("the picker from the keyboard", lambda: driver.find_element(
        By.CSS_SELECTOR, '[data-testid="code-picker"] input')
        if driver.find_element(By.CSS_SELECTOR, '[data-testid="code-picker"]').is_displayed() else None)
    field.send_keys("scar", Keys.ENTER)
    typed = wait("the keyboard's assignment", lambda: [a for a in listing() if a["exact"] == "bought"])
    assert typed[0]["code"] == "scarce", typed
    assert para.get_attribute("textContent") == "Ana: We bought more data.", "the text was edited"
    wait("the keyboard's highlight", lambda: driver.find_elements(
        By.CSS_SELECTOR, f'mark.hl[data-ids~="{typed[0]["id"]}"]'))
    driver.find_element(By.CSS_SELECTOR, "body").send_keys(Keys.ESCAPE)
    driver.find_element(By.CSS_SELECTOR, "#help-button").click()
    shot(driver, "07-keyboard-and-help")
    driver.find_element(By.CSS_SELECTOR, "#help-button").click()

    # The codebook panel: descriptions shown; a click filters the transcript to one code, and
    # the keyboard (Tab to the code, Enter) shows every code again.
    description = driver.find_element(By.CSS_SELECTOR, '[data-testid="code-filter"][data-code="data-quality"] '
                                      '[data-testid="code-description"]')
    assert description.is_displayed() and description.text == "Anything about the data", description.text
    noisy_id = [a for a in listing() if a["code"] == "noisy" and a["coder"] == CODER][0]["id"]
    click(driver, driver.find_element(By.CSS_SELECTOR, '[data-testid="code-filter"][data-code="scarce"]'))
    wait("the filter", lambda: not driver.find_elements(By.CSS_SELECTOR, f'mark.hl[data-ids~="{noisy_id}"]'))
    shown = driver.execute_script(
        "return [...document.querySelectorAll('mark.hl')].flatMap((m) => m.dataset.ids.split(' '))")
    scarce = {a["id"] for a in listing() if a["code"] == "scarce"}
    assert shown and set(shown) <= scarce, (shown, scarce)
    assert "only Scarce" in driver.find_element(By.CSS_SELECTOR, "#filter-note").text
    shot(driver, "07b-filtered")
    driver.find_element(By.CSS_SELECTOR, '[data-testid="code-filter"][data-code="scarce"]').send_keys(Keys.ENTER)
    wait("every code again", lambda: driver.find_elements(By.CSS_SELECTOR, f'mark.hl[data-ids~="{noisy_id}"]'))
    assert driver.find_element(By.CSS_SELECTOR, "#filter-note").text == ""

    # Keyboard shortcuts: j selects the first highlight, m edits its memo, Ctrl+Enter saves,
    # Esc leaves; j again and Delete remove it; u undoes the removal.
    body = driver.find_element(By.CSS_SELECTOR, "body")
    driver.execute_script("document.activeElement.blur(); window.getSelection().removeAllRanges()")
    ActionChains(driver).send_keys("j").perform()
    first = wait("a selected highlight", lambda: (card := displayed(
        driver, '[data-testid="details"] [data-card]')) and card.get_attribute("data-card"))
    ActionChains(driver).send_keys("m").perform()
    wait("the memo field in focus", lambda: driver.execute_script(
        "return document.activeElement.dataset.testid === 'memo'"))
    ActionChains(driver).send_keys(" Typed.").key_down(Keys.CONTROL).send_keys(Keys.ENTER).key_up(Keys.CONTROL) \
        .perform()
    wait("the typed memo in gloss ls", lambda: [a for a in listing() if a["id"] == first
                                                and " Typed." in (a.get("memo") or "")])
    ActionChains(driver).send_keys(Keys.ESCAPE).perform()
    wait("the details to close", lambda: not displayed(driver, '[data-testid="details"]'))
    ActionChains(driver).send_keys("j").perform()
    wait("the same highlight again", lambda: displayed(driver, f'[data-testid="details"] [data-card="{first}"]'))
    gone = [a for a in listing() if a["id"] == first][0]
    ActionChains(driver).send_keys(Keys.DELETE).perform()
    wait("the removal by keyboard", lambda: not [a for a in listing() if a["id"] == first])
    ActionChains(driver).send_keys("u").perform()
    back = wait("the undo by keyboard", lambda: [a for a in listing() if a["code"] == gone["code"]
                                                 and (a["start"], a["end"]) == (gone["start"], gone["end"])
                                                 and a["coder"] == CODER])
    assert back[0]["memo"] == gone["memo"], back

    # Adjust a span's edges by re-selecting: click the highlight, select the new text, then
    # "Use selection"; the assignment keeps its id and takes the new text.
    bought = typed[0]["id"]
    on_fresh(driver, f'mark[data-assignment-id="{bought}"]', lambda mark: click(driver, mark))
    wait("its details", lambda: displayed(driver, f'[data-testid="details"] [data-card="{bought}"]'))
    para = driver.find_element(By.CSS_SELECTOR, '[data-testid="para"][data-para="4"]')
    text = para.get_attribute("textContent")
    drag_select(driver, para, text.index("bought"), text.index("more data") + len("more data") - 1)
    wait("the picker over the new text", lambda: displayed(driver, '[data-testid="code-picker"]'))
    click(driver, driver.find_element(By.CSS_SELECTOR, f'[data-card="{bought}"] button[data-testid="adjust"]'))
    wait("the new edges in gloss ls", lambda: [a for a in listing() if a["id"] == bought
                                               and a["exact"] == "bought more data"])
    assert not [a for a in listing() if a["exact"] == "bought more data" and a["id"] != bought], "a new span"
    wait("the wider highlight", lambda: "".join(m.get_attribute("textContent") for m in driver.find_elements(
        By.CSS_SELECTOR, f'mark[data-assignment-id="{bought}"]')) == "bought more data")

    # Change the code from the details (typing an id in the picker), then undo it.
    on_fresh(driver, f'[data-card="{bought}"] button[data-testid="change-code"]', lambda b: click(driver, b))
    field = wait("the picker for the new code", lambda: displayed(driver, '[data-testid="code-picker"] input'))
    field.send_keys("data-quality", Keys.ENTER)
    wait("the new code in gloss ls", lambda: [a for a in listing() if a["id"] == bought
                                              and a["code"] == "data-quality"])
    assert "edits data-quality" in run("git", "log", "-1", "--format=%s")
    ActionChains(driver).send_keys(Keys.ESCAPE).perform()
    driver.execute_script("document.activeElement.blur()")
    ActionChains(driver).send_keys("u").perform()
    wait("the old code again", lambda: [a for a in listing() if a["id"] == bought and a["code"] == "scarce"])

    # The lead rewrites the text under one of the coder's spans: the open page shows the new
    # text, the span marked for review (in the list too); confirming it clears the mark.
    with open(os.path.join(PROJECT, "documents", "interview.txt"), encoding="utf-8") as file:
        revised = file.read().replace("nobody had time", "everyone was swamped")
    update = os.path.join(os.path.dirname(PROJECT), "interview-revised.txt")
    with open(update, "w", encoding="utf-8") as file:
        file.write(revised)
    run(GLOSS, "--as", "lead", "doc", "update", "interview", update)
    marked = wait("the review mark", lambda: [a for a in listing() if a["coder"] == CODER and a.get("review")])
    assert len(marked) == 1, marked
    review = f'mark.hl.review[data-ids~="{marked[0]["id"]}"]'
    wait("the review highlight", lambda: driver.find_elements(By.CSS_SELECTOR, review))
    assert "everyone was swamped" in driver.find_element(
        By.CSS_SELECTOR, '[data-testid="para"][data-para="2"]').get_attribute("textContent")
    wait("the count in the list", lambda: "1 to review" in driver.find_element(
        By.CSS_SELECTOR, 'a[data-testid="doc-link"][data-doc="interview"]').text)
    on_fresh(driver, review, lambda mark: click(driver, mark))
    reason = wait("the reason", lambda: (box := displayed(
        driver, f'[data-card="{marked[0]["id"]}"] .reason')) and box.text)
    assert "rewritten" in reason, reason
    shot(driver, "07c-review")
    on_fresh(driver, f'[data-card="{marked[0]["id"]}"] button[data-testid="confirm"]', lambda b: click(driver, b))
    wait("the mark cleared in gloss ls", lambda: [a for a in listing() if a["id"] == marked[0]["id"]
                                                  and not a.get("review")])
    log = run("git", "log", "-1", "--format=%B")
    assert f"Gloss-Coder: {CODER}" in log and "edits" in log, log
    wait("the plain highlight", lambda: driver.find_elements(
        By.CSS_SELECTOR, f'mark.hl[data-ids~="{marked[0]["id"]}"]') and not driver.find_elements(
        By.CSS_SELECTOR, "mark.hl.review"))
    wait("nothing to review", lambda: "to review" not in driver.find_element(
        By.CSS_SELECTOR, 'a[data-testid="doc-link"][data-doc="interview"]').text)
    ActionChains(driver).send_keys(Keys.ESCAPE).perform()

    # Another coder's work shows (faintly) with "everyone's codes", until the lead turns blind
    # coding on: then the open page hides it, without a reload.
    lead = run(GLOSS, "--as", "lead", "add", "interview", "data-quality", "--quote", "What happened next?").strip()
    driver.find_element(By.CSS_SELECTOR, "#show-all").click()
    wait("the lead's highlight", lambda: driver.find_elements(By.CSS_SELECTOR, f'mark.hl.other[data-ids~="{lead}"]'))
    shot(driver, "08-everyone")
    run(GLOSS, "--as", "lead", "blind", "on")
    wait("blind coding in the page", lambda: "blind coding" in driver.find_element(By.CSS_SELECTOR, "#who").text)
    wait("the lead's highlight to go", lambda: not driver.find_elements(By.CSS_SELECTOR, f'mark.hl[data-ids~="{lead}"]'))
    assert driver.execute_script("return window.__sameLoad === true"), "the page reloaded"
    assert driver.find_elements(By.CSS_SELECTOR, f'mark.hl[data-ids~="{typed[0]["id"]}"]'), "own work hidden"

    # A selection and the scroll position survive a refresh caused by a commit elsewhere.
    selected = driver.execute_script(
        """
        const para = document.querySelector('[data-testid="para"][data-para="1"]');
        const walker = document.createTreeWalker(para, NodeFilter.SHOW_TEXT);
        let node;
        while ((node = walker.nextNode()) && !node.data.includes('the data')) {}
        const range = document.createRange();
        range.setStart(node, node.data.indexOf('the data'));
        range.setEnd(node, node.data.indexOf('the data') + 'the data'.length);
        window.getSelection().removeAllRanges();
        window.getSelection().addRange(range);
        return window.getSelection().toString();
        """)
    before = driver.execute_script("return document.querySelector('#reader').scrollTop")
    quote = "Tell me everything."
    again = run(GLOSS, "add", "interview", "noisy", "--quote", quote).strip()
    wait("the refresh", lambda: driver.find_elements(By.CSS_SELECTOR, f'mark.hl[data-ids~="{again}"]'))
    assert driver.execute_script("return window.getSelection().toString()") == selected == "the data", selected
    assert driver.execute_script("return document.querySelector('#reader').scrollTop") == before
    errors = [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]
    assert not errors, errors

    # Agreement: no link for a coder under blind coding; with it off, the link opens the
    # report's page, which the strict Content-Security-Policy lets show without errors.
    link = '[data-testid="agreement-link"]'
    assert not driver.find_element(By.CSS_SELECTOR, link).is_displayed(), "agreement link under blind coding"
    assert not driver.find_element(By.CSS_SELECTOR, '[data-testid="compare-link"]').is_displayed(), \
        "compare link for a coder under blind coding"
    run(GLOSS, "--as", "lead", "blind", "off")
    wait("the agreement link", lambda: driver.find_element(By.CSS_SELECTOR, link).is_displayed())
    driver.find_element(By.CSS_SELECTOR, link).click()
    wait("the agreement page",
         lambda: driver.find_elements(By.CSS_SELECTOR, '[data-testid="agreement"] td[data-figure="alpha"]'))
    driver.find_element(By.CSS_SELECTOR, 'a[href="/agreement?unit=para"]').click()
    wait("the para unit", lambda: driver.find_elements(By.CSS_SELECTOR, 'a[aria-current="page"][href$="unit=para"]'))
    swatch = driver.find_element(By.CSS_SELECTOR, "svg.swatch rect")
    assert swatch.get_attribute("fill") == "#e8590c", swatch.get_attribute("fill")
    shot(driver, "09-agreement")
    driver.get(driver.current_url.split("/agreement")[0] + "/#doc=interview")
    wait("the document again", lambda: driver.find_elements(By.CSS_SELECTOR, 'button[data-testid="done-toggle"]'))
    # Done (after agreement, which then counts finished coders only): a mouse click on the
    # document's button marks it (one commit, the mark file), the list says so, and the
    # button turns into Reopen.
    on_fresh(driver, 'button[data-testid="done-toggle"]', lambda button: click(driver, button))
    wait("the done mark", lambda: f"annotations/{CODER}/interview.done" in run("git", "ls-files", "annotations"))
    log = run("git", "log", "-1", "--format=%B")
    assert f"{CODER} marks interview done" in log and f"Gloss-Coder: {CODER}" in log, log
    wait("done in the list", lambda: driver.find_elements(
        By.CSS_SELECTOR, 'a[data-doc="interview"] [data-testid="doc-done"]'))
    wait("the reopen button", lambda: driver.find_element(
        By.CSS_SELECTOR, 'button[data-testid="done-toggle"]').text == "Reopen")
    shot(driver, "14-done")
    errors = [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]
    assert not errors, errors


if __name__ == "__main__":
    main()
