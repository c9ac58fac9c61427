// What each of Java's file APIs does on Windows. java.io's File.delete clears the
// read-only attribute before it deletes (OpenJDK WinNTFileSystem_md.c,
// removeFileOrDirectory: SetFileAttributesW(FILE_ATTRIBUTE_NORMAL), then DeleteFileW or
// RemoveDirectoryW): no finding, for a file or a directory; of a file a stream holds it
// returns false. NIO's Files.delete does not clear it (WindowsFileSystemProvider.
// implDelete): AccessDeniedException (WindowsException.translateToIOException). A
// FileOutputStream of a read-only file: FileNotFoundException "PATH (Access is denied)"
// (io_util_md.c). Run in source-file mode: `java JavaApis.java DIR`.
import java.io.File;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.file.Files;

public class JavaApis {
    static File readOnly(String dir, String name) throws IOException {
        File f = new File(dir, name);
        new FileOutputStream(f).close();
        f.setReadOnly();
        return f;
    }

    public static void main(String[] args) throws Exception {
        System.out.println(readOnly(args[0], "io").delete());
        File d = new File(args[0], "dir");
        d.mkdir();
        d.setReadOnly();
        System.out.println(d.delete());
        File held = new File(args[0], "held");
        try (FileOutputStream out = new FileOutputStream(held)) {
            System.out.println(held.delete()); // false on Windows
        }
        Files.delete(readOnly(args[0], "nio").toPath()); // refused on Windows
        new FileOutputStream(readOnly(args[0], "out")).close(); // refused on Windows
    }
}
