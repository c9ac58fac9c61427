// A Java finding made 300 calls deep: winsan reads at most 256 frames of a Java stack,
// and says that the stack goes on past the last frame it names. The same call 10 deep is
// named whole. Each deletes a file a java.io stream still holds (a sharing violation on
// Windows). Run in source-file mode: `java JavaDeepStack.java DIR`.
package com.example.deep;

import java.io.File;
import java.io.FileOutputStream;
import java.nio.file.Files;

public class JavaDeepStack {
    static void down(File f, int depth) throws Exception {
        if (depth > 0) {
            down(f, depth - 1); // recursing
        } else {
            Files.delete(f.toPath()); // the call
        }
    }

    public static void main(String[] args) throws Exception {
        File shallow = new File(args[0], "shallow");
        File deep = new File(args[0], "deep");
        try (FileOutputStream a = new FileOutputStream(shallow); FileOutputStream b = new FileOutputStream(deep)) {
            down(shallow, 10); // the shallow call
            down(deep, 300); // the deep call
        }
    }
}
