"""Chinese numerals as meeting titles and official documents write them (第三次, 一、, （二）)."""

CHINESE_DIGITS = "零一二三四五六七八九"


def chinese_number(number: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 35 → 三十五 (the numerals of meeting titles,
    as in 第三次联席会议); 100 and above stay in digits."""
    if not 0 < number < 100:
        return str(number)
    tens, units = divmod(number, 10)
    text = ("" if tens == 1 else CHINESE_DIGITS[tens]) + "十" if tens else ""
    return text + (CHINESE_DIGITS[units] if units else "")
