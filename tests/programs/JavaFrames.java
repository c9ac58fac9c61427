// A Java finding names the frames that made the call, read from the JVM's interpreted
// frames with HotSpot's published layout (vmStructs): a java.io stream still holds the
// file that Files.delete removes (a sharing violation on Windows), called through two
// methods of an instance, from a lambda run on another thread. Run in source-file mode:
// `java JavaFrames.java DIR`.
package com.example.frames;

import java.io.File;
import java.io.FileOutputStream;
import java.nio.file.Files;

public class JavaFrames {
    static void remove(File f) throws Exception {
        Files.delete(f.toPath()); // the call
    }

    void clean(File f) throws Exception {
        remove(f); // its caller
    }

    public static void main(String[] args) throws Exception {
        File f = new File(args[0], "frames.dat");
        try (FileOutputStream out = new FileOutputStream(f)) {
            Thread t = new Thread(() -> {
                try {
                    new JavaFrames().clean(f); // the thread's lambda
                } catch (Exception e) {
                    System.out.println("caught " + e);
                }
            });
            t.start();
            t.join();
        }
    }
}
