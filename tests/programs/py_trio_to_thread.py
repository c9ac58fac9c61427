# Calls made through trio's worker threads (trio.to_thread.run_sync; anyio's
# to_thread.run_sync on its trio backend) run on a thread of trio's thread cache, whose
# frames are only trio's. A finding names the coroutines of the trio task waiting for the
# call (a nursery's child task's alone), and a call awaited only where the platform is
# not Windows, or made by a child task started only there, is no finding. Each file is held open by this process (no
# FILE_SHARE_DELETE on Windows) while it is removed. Needs trio and anyio (the test puts
# them on PYTHONPATH).
import os, sys

import anyio
import trio

d = sys.argv[1]
held = []


def held_file(name):
    p = os.path.join(d, name)
    open(p, "w").close()
    held.append(open(p))
    return p


async def remove_later(path):
    await trio.to_thread.run_sync(os.remove, path)  # run_sync's await


async def clean(path):
    await remove_later(path)  # remove_later's caller


async def release(path):
    if sys.platform != "win32":
        await trio.to_thread.run_sync(os.remove, path)


async def _remove_in_child(path):
    os.remove(path)


async def _remove_in_every_child(path):
    os.remove(path)  # a child task's own call


async def remove_with_anyio(path):
    await anyio.to_thread.run_sync(os.remove, path)  # anyio's await


async def main():
    await clean(held_file("to-thread"))  # clean's caller
    await release(held_file("posix-only"))
    async with trio.open_nursery() as nursery:
        nursery.start_soon(remove_later, held_file("in-a-nursery"))
    await remove_with_anyio(held_file("anyio"))  # remove_with_anyio's caller
    # A child task started only off Windows: trio's run loop steps its coroutine, which
    # no other line names.
    if sys.platform != "win32":
        async with trio.open_nursery() as nursery:
            nursery.start_soon(_remove_in_child, held_file("child-posix-only"))
    # The same through an anyio task group (anyio's wrapper awaits the coroutine), and
    # one started on every system: a finding.
    if sys.platform != "win32":
        async with anyio.create_task_group() as tg:
            tg.start_soon(_remove_in_child, held_file("anyio-child-posix-only"))
    async with anyio.create_task_group() as tg:
        tg.start_soon(_remove_in_every_child, held_file("anyio-child"))


trio.run(main)
