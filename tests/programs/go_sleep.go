// A program that prints its version and sleeps: rebuilt while it runs.
package main

import (
	"fmt"
	"time"
)

func main() {
	fmt.Println("v1")
	time.Sleep(3 * time.Second)
}
