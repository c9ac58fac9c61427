// A Java finding's frames through a runtime stub: a method C1 compiled
// (`-XX:TieredStopAtLevel=1 -Xbatch`) before the class it touches on a rare branch was
// initialized reaches that class through a patching stub, whose call into the VM runs
// the class initializer. The walk steps over the stub's frame to the compiled caller.
// The delete is refused on Windows (a java.io stream holds the file). Run in source-file
// mode: `java -Xbatch -XX:TieredStopAtLevel=1 JavaStubFrames.java DIR`.
import java.io.File;
import java.io.FileOutputStream;

public class JavaStubFrames {
    static File target;

    static class Late {
        static int value;

        static {
            target.delete(); // the initializer's call
        }
    }

    static int rare(int i) {
        if (i < 0) {
            return Late.value; // the compiled caller
        }
        return i + 1;
    }

    public static void main(String[] args) throws Exception {
        int sum = 0;
        for (int i = 0; i < 50_000; i++) {
            sum += rare(i);
        }
        target = new File(args[0], "late");
        try (FileOutputStream out = new FileOutputStream(target)) {
            sum += rare(-1); // the first rare call
        }
        System.out.println(sum > 0);
    }
}
