"""Run a command on a pseudo-terminal and answer its prompts as a person would: each answer is
typed only after its prompt appeared (typing ahead races the program's own terminal settings).

Reads a JSON object on stdin: {"argv": [...], "env": {...}, "cwd": "...",
"answers": [["prompt text", "typed\\n"], ...], "timeout": 20}. Prints everything the terminal
showed; exits with the command's status, or 124 when the timeout killed it.
"""

import json
import os
import pty
import select
import signal
import sys
import time

spec = json.load(sys.stdin)
pid, fd = pty.fork()
if pid == 0:
    os.chdir(spec["cwd"])
    os.execve(spec["argv"][0], spec["argv"], spec["env"])

shown = b""
answered = 0  # how much of `shown` the last answer already consumed
answers = [(prompt.encode(), typed.encode()) for prompt, typed in spec.get("answers", [])]
deadline = time.monotonic() + spec.get("timeout", 20)
timed_out = False
while True:
    if time.monotonic() > deadline:
        os.kill(pid, signal.SIGKILL)
        timed_out = True
        break
    ready, _, _ = select.select([fd], [], [], 0.1)
    if ready:
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # EIO: the command closed the terminal (it exited)
            break
        if not chunk:
            break
        shown += chunk
    if answers and answers[0][0] in shown[answered:]:
        answered = shown.index(answers[0][0], answered) + len(answers[0][0])
        os.write(fd, answers.pop(0)[1])
_, status = os.waitpid(pid, 0)
sys.stdout.buffer.write(shown)
sys.exit(124 if timed_out else os.waitstatus_to_exitcode(status))
