// A Java finding's frames through code the JIT compiled: after a warm-up of 20,000
// calls (run with -Xbatch, so that compilations finish before the code runs on), clean
// is compiled with remove and the JDK's delete path inlined into it, and main runs its
// loop's on-stack-replacement code. The frames are read from the nmethods' scopes
// (PcDesc, ScopeDesc), innermost first, as the interpreter's would be. Run in
// source-file mode: `java -Xbatch JavaCompiledFrames.java DIR`.
package com.example.jit;

import java.io.File;
import java.io.FileOutputStream;

public class JavaCompiledFrames {
    static boolean remove(File f) {
        return f.delete(); // the call
    }

    static boolean clean(File f) {
        return remove(f); // its caller
    }

    public static void main(String[] args) throws Exception {
        File dir = new File(args[0]);
        for (int i = 0; i < 20000; i++) {
            File t = new File(dir, "t");
            new FileOutputStream(t).close();
            clean(t); // the warm-up
        }
        File held = new File(dir, "held");
        try (FileOutputStream out = new FileOutputStream(held)) {
            System.out.println(clean(held)); // the finding
        }
    }
}
