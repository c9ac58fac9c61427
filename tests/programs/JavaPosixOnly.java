// Java code that never runs on Windows is no finding: each removal below deletes a file
// that a FileInputStream of the JVM still holds (a sharing violation on Windows, where
// java.io opens without FILE_SHARE_DELETE), but all except the last run only where the
// platform is not Windows: under a test of os.name, under a constant made of
// File.separatorChar, after an early return on Windows, in the else of a Windows test.
// Run in source-file mode: `java JavaPosixOnly.java DIR`.
package com.example.posixonly;

import java.io.File;
import java.io.FileInputStream;
import java.nio.file.Files;
import java.util.Locale;

public class JavaPosixOnly {
    static final boolean IS_WINDOWS = File.separatorChar == '\\';

    /** Deletes {@code f} while a stream of this JVM holds it open. */
    static void removeHeld(File f) throws Exception {
        Files.write(f.toPath(), new byte[] {1});
        try (FileInputStream in = new FileInputStream(f)) {
            Files.delete(f.toPath()); // the removal
        }
    }

    static void afterAnEarlyReturn(File f) throws Exception {
        if (IS_WINDOWS) {
            return;
        }
        removeHeld(f); // after the early return
    }

    public static void main(String[] args) throws Exception {
        File dir = new File(args[0]);
        if (!System.getProperty("os.name").startsWith("Windows")) {
            removeHeld(new File(dir, "os-name")); // under the os.name test
        }
        if (!IS_WINDOWS) {
            removeHeld(new File(dir, "constant")); // under the constant
        }
        afterAnEarlyReturn(new File(dir, "early-return"));
        if (System.getProperty("os.name").toLowerCase(Locale.ROOT).contains("win")) {
            System.out.println("windows");
        } else {
            removeHeld(new File(dir, "else")); // in the else
        }
        removeHeld(new File(dir, "unguarded")); // the finding
        System.out.println("done");
    }
}
