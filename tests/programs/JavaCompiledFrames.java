// A Java finding's frames through code the JIT compiled: after a warm-up of 20,000
// calls (run with -Xbatch, so that compilations finish before the code runs on), clean
// is compiled with remove and the JDK's delete path inlined into it, and main runs its
// loop's on-stack-replacement code. The frames are read from the nmethods' scopes
// (PcDesc, ScopeDesc), innermost first, as the interpreter's would be. Then walk's
// compiled code is made invalid while it is on the stack (load, kept out of line, loads
// a subclass that undoes walk's inlined assumption): its frame returns to the
// deoptimization handler and keeps its real pc aside. Run in source-file mode:
// `java -Xbatch -XX:CompileCommand=dontinline,com.example.jit.JavaCompiledFrames::load
// JavaCompiledFrames.java DIR`.
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

    static class Animal {
        int legs() {
            return 4;
        }
    }

    static class Bird extends Animal {
        int legs() {
            return 2;
        }
    }

    static Animal animal = new Animal();
    static String kind = "com.example.jit.JavaCompiledFrames$Animal";

    static int walk(File f) throws Exception {
        int legs = animal.legs(); // inlined while Animal has no subclass
        load(f); // the deoptimized caller
        return legs + animal.legs();
    }

    static void load(File f) throws Exception {
        Class.forName(kind);
        f.delete(); // the call that deoptimizes
    }

    public static void main(String[] args) throws Exception {
        File dir = new File(args[0]);
        for (int i = 0; i < 20000; i++) {
            File t = new File(dir, "t");
            new FileOutputStream(t).close();
            clean(t); // the warm-up
            walk(t);
        }
        File held = new File(dir, "held");
        try (FileOutputStream out = new FileOutputStream(held)) {
            System.out.println(clean(held)); // the finding
        }
        File bird = new File(dir, "bird");
        try (FileOutputStream out = new FileOutputStream(bird)) {
            kind = "com.example.jit.JavaCompiledFrames$Bird";
            walk(bird); // the second finding
        }
    }
}
