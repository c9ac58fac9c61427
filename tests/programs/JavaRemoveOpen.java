// java.io opens without FILE_SHARE_DELETE on Windows (io_util_md.c: share read and write),
// so deleting a file that a FileOutputStream still has open is a sharing violation.
// Run in source-file mode: `java JavaRemoveOpen.java DIR`.
import java.io.File;
import java.io.FileOutputStream;
import java.nio.file.Files;

public class JavaRemoveOpen {
    public static void main(String[] args) throws Exception {
        File f = new File(args[0], "j.dat");
        try (FileOutputStream out = new FileOutputStream(f)) {
            out.write(1);
            Files.delete(f.toPath());
        }
    }
}
