# Calls made through an executor: asyncio.to_thread and loop.run_in_executor (as aiofiles
# does) run them on a ThreadPoolExecutor's worker thread, whose frames are only the
# pool's. A finding names the coroutines waiting for the call (an async generator's
# among them), and a call awaited only where the platform is not Windows is no finding
# (in a coroutine, or in an asynccontextmanager's exit). Each file is held open by this
# process (no FILE_SHARE_DELETE on Windows) while it is removed.
import asyncio, contextlib, functools, os, sys

d = sys.argv[1]
held = []


def held_file(name):
    p = os.path.join(d, name)
    open(p, "w").close()
    held.append(open(p))
    return p


async def remove_later(path):
    await asyncio.to_thread(os.remove, path)  # to_thread's await


async def clean(path):
    await remove_later(path)  # remove_later's caller


async def remove_partial(path):
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, functools.partial(os.remove, path))  # run_in_executor's await


async def release(path):
    if sys.platform != "win32":
        await asyncio.to_thread(os.remove, path)


async def removing(paths):
    for path in paths:
        await asyncio.to_thread(os.remove, path)  # in an async generator
        yield path


@contextlib.asynccontextmanager
async def scratch(path):
    yield path
    if sys.platform != "win32":
        await asyncio.to_thread(os.remove, path)


async def main():
    await clean(held_file("to-thread"))  # clean's caller
    await remove_partial(held_file("partial"))  # remove_partial's caller
    await asyncio.gather(remove_later(held_file("gathered")))  # gather's caller
    await release(held_file("posix-only"))
    async for _ in removing([held_file("generated")]):  # consumed by async for
        pass
    async with scratch(held_file("posix-only-exit")):
        pass


asyncio.run(main())
