// A file NIO wrote and the JVM deleted leaves no trace: the next new file may get its
// inode number (tmpfs, ext4), and a java.io stream holding that one still blocks its
// delete on Windows (io_util_md.c: share read and write only). Run in source-file mode:
// `java JavaInodeReused.java DIR`.
import java.io.FileOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

public class JavaInodeReused {
    public static void main(String[] args) throws Exception {
        Path dir = Paths.get(args[0]);
        Path nio = dir.resolve("nio");
        Files.write(nio, new byte[] {1}); // NIO opens it for writing (shares delete)
        new FileOutputStream(dir.resolve("io").toFile()).close();
        Files.delete(nio);
        Path held = dir.resolve("held");
        try (FileOutputStream out = new FileOutputStream(held.toFile())) {
            Files.delete(held); // refused on Windows
        }
    }
}
