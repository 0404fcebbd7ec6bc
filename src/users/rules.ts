/** Django's username rule, kept so accounts migrate unchanged: 1..150 of letters, digits, @ . + - _ */
export const USERNAME_PATTERN = /^[\p{L}\p{N}@.+\-_]{1,150}$/u;
export const MAX_USERNAME = 150;
