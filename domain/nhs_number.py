"""NHS number check digit (modulus 11), as published by NHS England."""


def is_valid_nhs_number(value: str) -> bool:
    digits = value.replace(" ", "")
    # isdigit() alone takes other scripts' digits and superscripts, which int() may not read.
    if len(digits) != 10 or not (digits.isascii() and digits.isdigit()):
        return False
    weights = range(10, 1, -1)
    total = sum(int(digit) * weight for digit, weight in zip(digits[:9], weights, strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])
