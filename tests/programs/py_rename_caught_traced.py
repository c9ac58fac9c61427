# Under a tracer (coverage, a debugger: sys.settrace; from 3.12 also sys.monitoring with
# line and branch events) CPython rewrites the bytecode of the code it runs with
# instrumented opcodes. A rename caught by `except OSError` is still the program's
# Windows path: no finding. One rename outside any try is the one finding.
import os, sys

d = sys.argv[1]


def pair(name):
    paths = [os.path.join(d, name + ".new"), os.path.join(d, name)]
    for p in paths:
        with open(p, "w") as f:
            f.write(p)
    return paths


def tracer(frame, event, arg):
    return tracer


sys.settrace(tracer)
if hasattr(sys, "monitoring"):
    m = sys.monitoring
    m.use_tool_id(3, "winsan-test")
    m.register_callback(3, m.events.LINE, lambda *a: None)
    m.register_callback(3, m.events.BRANCH if hasattr(m.events, "BRANCH") else m.events.JUMP, lambda *a: None)
    m.set_events(3, m.events.LINE | (m.events.BRANCH if hasattr(m.events, "BRANCH") else m.events.JUMP))


def caught(name):
    try:
        os.rename(*pair(name))
    except OSError:
        pass


for i in range(3):
    caught(f"caught{i}")
os.rename(*pair("uncaught"))
sys.settrace(None)
print("done")
