// A Java finding's frames through calls the VM makes itself: a class initializer the VM
// runs when `new Holder()` first needs it, and a method's first reflective calls
// (Method.invoke through the native accessor). The VM calls Java through its call stub;
// the walk goes on to the Java frames that called into the VM (JavaCallWrapper's
// anchor). Each delete is refused on Windows (a java.io stream holds the file). Run in
// source-file mode: `java JavaVmCalls.java DIR`.
import java.io.File;
import java.io.FileOutputStream;
import java.lang.reflect.Method;

public class JavaVmCalls {
    static File target;

    static class Holder {
        static {
            target.delete(); // the initializer's call
        }
    }

    public static void test(File f) {
        f.delete(); // the reflective call
    }

    public static void main(String[] args) throws Exception {
        target = new File(args[0], "clinit");
        try (FileOutputStream out = new FileOutputStream(target)) {
            new Holder(); // the VM initializes Holder
        }
        File f = new File(args[0], "reflect");
        try (FileOutputStream out = new FileOutputStream(f)) {
            Method m = JavaVmCalls.class.getMethod("test", File.class);
            m.invoke(null, f); // invoked reflectively
        }
    }
}
