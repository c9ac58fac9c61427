// A Java finding made by a virtual thread (JDK 21+) names the frames below the point
// where it slept: Thread.sleep unmounts it, its frames frozen into the heap (the
// continuation's StackChunk objects); woken, it is mounted again with only its top frames
// thawed onto the carrier thread's stack, the rest read from the chunks. The finding: a
// java.io stream still holds the file that Files.delete removes (a sharing violation on
// Windows). The virtual thread prints the JVM's own view of its stack (getStackTrace),
// the program's frames only, for the test to compare. Run in source-file mode:
// `java JavaVirtualThreadFrames.java DIR`.
package com.example.vthread;

import java.io.File;
import java.io.FileOutputStream;
import java.nio.file.Files;

public class JavaVirtualThreadFrames {
    static void remove(File f) throws Exception {
        for (StackTraceElement e : Thread.currentThread().getStackTrace()) {
            if (e.getClassName().startsWith("com.example.")) {
                System.out.println("frame " + e.getClassName() + "." + e.getMethodName() + ":" + e.getLineNumber());
            }
        }
        Files.delete(f.toPath()); // the call
    }

    static void woken(File f, int depth) throws Exception {
        if (depth > 0) {
            woken(f, depth - 1); // further down after waking
        } else {
            remove(f); // the last caller
        }
    }

    static void sleeper(File f) throws Exception {
        Thread.sleep(50); // unmounts: the frames below are frozen
        woken(f, 2); // woken, mounted again
    }

    static void below(File f, int depth) throws Exception {
        if (depth > 0) {
            below(f, depth - 1); // below the sleep
        } else {
            sleeper(f); // the sleeper's caller
        }
    }

    public static void main(String[] args) throws Exception {
        File f = new File(args[0], "vthread.dat");
        try (FileOutputStream out = new FileOutputStream(f)) {
            Thread t = Thread.ofVirtual().start(() -> {
                try {
                    below(f, 3); // the virtual thread's lambda
                } catch (Exception e) {
                    System.out.println("caught " + e);
                }
            });
            t.join();
        }
    }
}
