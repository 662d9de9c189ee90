package dev.brain;

public final class Main {
    public static void main(String[] args) {
    }
}
