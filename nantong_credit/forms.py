from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.contrib.auth import forms as auth_forms


class DateInput(forms.DateInput):
    """The browser's date picker. Its value must be an ISO date whatever the language: the
    zh-hans input format (2027/02/05) is silently dropped by the browser, so a pre-filled date
    would vanish and the form come back with "required"."""

    input_type = "date"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class MonthInput(forms.DateInput):
    """The browser's month picker, for a date that names a month (its first day): ISO "2026-11"
    whatever the language, for the same reason as `DateInput`."""

    input_type = "month"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs, format="%Y-%m")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class LoginForm(auth_forms.AuthenticationForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "用户名"
        self.fields["password"].label = "密码"
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", "登录", css_class="btn-nt w-100"))


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", "修改密码", css_class="btn-nt"))


class PasswordResetRequestForm(forms.Form):
    """Only the address: who holds it is looked up by the task, never while the person waits."""

    email = forms.EmailField(
        label="注册时填写的电子邮箱",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", "发送重置链接", css_class="btn-nt w-100"))


class SetPasswordForm(auth_forms.SetPasswordForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = "新密码"
        self.fields["new_password2"].label = "再次输入新密码"
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", "设置新密码", css_class="btn-nt w-100"))
