// java.io.File.renameTo onto an existing file: Linux replaces it; on Windows renameTo is
// the C runtime's _wrename (MoveFileExW without MOVEFILE_REPLACE_EXISTING) and returns
// false. NIO's Files.move replaces on both (ATOMIC_MOVE: MoveFileExW with
// MOVEFILE_REPLACE_EXISTING; REPLACE_EXISTING: deletes the target first on Linux).
import java.io.*;
import java.nio.file.*;

public class JavaRenameTo {
    static File touch(File d, String name) throws IOException {
        File f = new File(d, name);
        new FileOutputStream(f).close();
        return f;
    }

    public static void main(String[] args) throws Exception {
        File d = new File(args[0]);
        File conf = touch(d, "app.conf");
        System.out.println(touch(d, "app.conf.new").renameTo(conf));
        Files.move(touch(d, "a.new").toPath(), conf.toPath(), StandardCopyOption.ATOMIC_MOVE);
        Files.move(touch(d, "b.new").toPath(), conf.toPath(), StandardCopyOption.REPLACE_EXISTING);
        System.out.println(touch(d, "c.new").renameTo(new File(d, "c")));
    }
}
