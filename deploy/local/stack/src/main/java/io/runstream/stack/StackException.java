package io.runstream.stack;

/** The stack could not start; the message says what to look at. */
public class StackException extends Exception {

    public StackException(String message) {
        super(message);
    }
}
